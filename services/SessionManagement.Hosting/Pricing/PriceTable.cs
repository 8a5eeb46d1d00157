using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using SessionManagement.Contracts.Chat;
using SessionManagement.Hosting.Configuration;

namespace SessionManagement.Hosting.Pricing;

/// <summary>
/// Prices of one model in dollars per million tokens: input, output, cache writes and cache reads, and (for models with a
/// long-context rate) what a response's tokens beyond 200,000 of one kind cost instead, or (for models priced by the length of
/// the prompt, as Claude Code prices them) what every token of a response costs once its prompt is longer than
/// <see cref="LongPrompt.Above"/>.
/// </summary>
public sealed record ModelPrice(
    decimal Input,
    decimal Output,
    decimal CacheWrite,
    decimal CacheRead,
    decimal? InputAbove200K = null,
    decimal? OutputAbove200K = null,
    decimal? CacheWriteAbove200K = null,
    decimal? CacheReadAbove200K = null,
    LongPrompt? LongPrompt = null)
{
    private const long LongContext = 200_000;

    /// <summary>What one response costs, from the usage its transcript line reports.</summary>
    public decimal Cost(TokenUsageView tokens) =>
        Cost(tokens.InputTokens, tokens.OutputTokens, tokens.CacheCreationInputTokens, tokens.CacheReadInputTokens);

    /// <summary>
    /// What one response costs, as ccusage reckons it: each kind of token past 200,000 at the long-context rate, if any; a
    /// response whose prompt (its input, cache writes and cache reads) is longer than a long-prompt price's threshold at that price.
    /// </summary>
    public decimal Cost(long input, long output, long cacheWrite, long cacheRead) =>
        LongPrompt is { } longPrompt && input + cacheWrite + cacheRead > longPrompt.Above
            ? longPrompt.Rates.Cost(input, output, cacheWrite, cacheRead)
            : (Tiered(input, Input, InputAbove200K) + Tiered(output, Output, OutputAbove200K)
                + Tiered(cacheWrite, CacheWrite, CacheWriteAbove200K) + Tiered(cacheRead, CacheRead, CacheReadAbove200K)) / 1_000_000m;

    private static decimal Tiered(long tokens, decimal price, decimal? above) =>
        tokens <= 0 ? 0 : above is { } high && tokens > LongContext ? LongContext * price + (tokens - LongContext) * high : tokens * price;
}

/// <summary>A response whose prompt is longer than <paramref name="Above"/> tokens is priced, every token of it, at <paramref name="Rates"/>.</summary>
public sealed record LongPrompt(long Above, ModelPrice Rates);

/// <summary>
/// List prices by exact model id, as Claude Code names models in its transcripts (<c>claude-opus-4-5-20251101</c>) or in
/// settings (<c>claude-opus-4-5</c>); ids from Bedrock (<c>anthropic.claude-…-v1:0</c>), Vertex (<c>claude-…@20251001</c>)
/// and gateways (<c>anthropic/claude-…</c>) are priced as the model they name. A model not in the table is unpriced: its
/// tokens are counted and reported as such, never priced by a guess. The built-in rates are Anthropic's list prices: those
/// ccusage 17 carries offline, where it has the model; Opus 4.6 and Sonnet 4.6 at theirs; and the models it does not know at
/// the prices Claude Code 2.1.332 gives them in its own model catalog (its default model, Opus 5.5, among them), which is what
/// its <c>/cost</c> counts by. <c>Status:Prices</c> adds models or overrides them.
/// The status module prices what it counts by it, and the web view each turn of a conversation.
/// </summary>
public sealed partial class PriceTable
{
    private static readonly ModelPrice Opus3 = new(15m, 75m, 18.75m, 1.5m);
    private static readonly ModelPrice Opus45 = new(5m, 25m, 6.25m, 0.5m);
    private static readonly ModelPrice Opus46 = new(5m, 25m, 6.25m, 0.5m, 10m, 37.5m, 12.5m, 1m);
    private static readonly ModelPrice Sonnet = new(3m, 15m, 3.75m, 0.3m);
    private static readonly ModelPrice SonnetLongContext = new(3m, 15m, 3.75m, 0.3m, 6m, 22.5m, 7.5m, 0.6m);
    private static readonly ModelPrice Haiku45 = new(1m, 5m, 1.25m, 0.1m);
    private static readonly ModelPrice Haiku35 = new(0.8m, 4m, 1m, 0.08m);
    private static readonly ModelPrice Haiku3 = new(0.25m, 1.25m, 0.3m, 0.03m);

    // Claude Code 2.1.332's model catalog (its pricing tiers, named by input and output price), for the models ccusage 17 does not price.
    private static readonly ModelPrice Tier2And10 = new(2m, 10m, 2.5m, 0.2m);
    private static readonly ModelPrice Tier2And10CacheRead010 = new(2m, 10m, 2.5m, 0.1m);
    private static readonly ModelPrice Tier4And20CacheRead020 = new(4m, 20m, 5m, 0.2m);
    private static readonly ModelPrice Tier5And25 = new(5m, 25m, 6.25m, 0.5m);
    private static readonly ModelPrice Tier8And40CacheRead020 = new(8m, 40m, 10m, 0.2m);
    private static readonly ModelPrice Tier10And50 = new(10m, 50m, 12.5m, 1m);
    private static readonly ModelPrice Tier10And50CacheRead025 = new(10m, 50m, 12.5m, 0.25m);
    private static readonly ModelPrice Haiku55 = new(0.1m, 0.5m, 0.125m, 0.01m, LongPrompt: new(100_000, new(0.5m, 2.5m, 0.625m, 0.05m)));

    public static readonly IReadOnlyDictionary<string, ModelPrice> BuiltIn = new Dictionary<string, ModelPrice>(StringComparer.Ordinal)
    {
        ["claude-opus-5-5"] = Tier4And20CacheRead020,
        ["claude-opus-5"] = Tier5And25,
        ["claude-opus-4-8"] = Tier5And25,
        ["claude-opus-4-7"] = Tier5And25,
        ["claude-opus-4-6"] = Opus46,
        ["claude-opus-4-5"] = Opus45,
        ["claude-opus-4-5-20251101"] = Opus45,
        ["claude-opus-4-1"] = Opus3,
        ["claude-opus-4-1-20250805"] = Opus3,
        ["claude-opus-4-0"] = Opus3,
        ["claude-opus-4-20250514"] = Opus3,
        ["claude-4-opus-20250514"] = Opus3,
        ["claude-3-opus-20240229"] = Opus3,
        ["claude-3-opus-latest"] = Opus3,
        ["claude-sonnet-5-5"] = Tier2And10CacheRead010,
        ["claude-sonnet-5"] = Tier2And10,
        ["claude-sonnet-4-6"] = SonnetLongContext,
        ["claude-sonnet-4-5"] = SonnetLongContext,
        ["claude-sonnet-4-5-20250929"] = SonnetLongContext,
        ["claude-sonnet-4-0"] = SonnetLongContext,
        ["claude-sonnet-4-20250514"] = SonnetLongContext,
        ["claude-4-sonnet-20250514"] = SonnetLongContext,
        ["claude-3-7-sonnet-20250219"] = Sonnet,
        ["claude-3-7-sonnet-latest"] = Sonnet,
        ["claude-3-5-sonnet-20241022"] = Sonnet,
        ["claude-3-5-sonnet-20240620"] = Sonnet,
        ["claude-3-5-sonnet-latest"] = Sonnet,
        ["claude-haiku-5-5"] = Haiku55,
        ["claude-haiku-4-5"] = Haiku45,
        ["claude-haiku-4-5-20251001"] = Haiku45,
        ["claude-3-5-haiku-20241022"] = Haiku35,
        ["claude-3-5-haiku-latest"] = Haiku35,
        ["claude-3-haiku-20240307"] = Haiku3,
        ["claude-fable-5-2"] = Tier8And40CacheRead020,
        ["claude-fable-5-1"] = Tier10And50CacheRead025,
        ["claude-fable-5"] = Tier10And50,
        ["claude-mythos-5-2"] = Tier8And40CacheRead020,
        ["claude-mythos-5-1"] = Tier10And50CacheRead025,
        ["claude-mythos-5"] = Tier10And50,
    };

    private readonly Dictionary<string, ModelPrice> _prices;

    /// <summary>Where prices are configured: <c>Status:Prices:claude-opus-4-5:Input=5</c>.</summary>
    public const string Section = "Status:Prices";

    /// <summary>The built-in prices with those configured under <see cref="Section"/> over them.</summary>
    public static PriceTable From(IConfiguration configuration) =>
        From(configuration.GetSection(Section).Get<Dictionary<string, PriceOptions>>() ?? []);

    /// <summary>The built-in prices with these over them; a price given without input or output, or below zero, is refused.</summary>
    public static PriceTable From(IReadOnlyDictionary<string, PriceOptions> prices)
    {
        var problems = new List<string>();
        var overrides = new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase);
        foreach (var (model, given) in prices)
        {
            var key = $"{Section}:{model}";
            if (given.Input is not { } input || given.Output is not { } output)
            {
                problems.Add($"{key}: both Input and Output are needed (dollars per million tokens)");
                continue;
            }
            decimal?[] all = [input, output, given.CacheWrite, given.CacheRead, given.InputAbove200K, given.OutputAbove200K, given.CacheWriteAbove200K, given.CacheReadAbove200K];
            if (all.Any(p => p < 0))
            {
                problems.Add($"{key}: a price below zero");
                continue;
            }
            overrides[model] = new ModelPrice(input, output, given.CacheWrite ?? input * 1.25m, given.CacheRead ?? input * 0.1m,
                given.InputAbove200K, given.OutputAbove200K, given.CacheWriteAbove200K, given.CacheReadAbove200K);
        }
        return problems.Count == 0 ? new PriceTable(overrides) : throw new InvalidConfigurationException(problems);
    }

    public PriceTable(IReadOnlyDictionary<string, ModelPrice>? overrides = null)
    {
        _prices = new Dictionary<string, ModelPrice>(BuiltIn, StringComparer.OrdinalIgnoreCase);
        foreach (var (model, price) in overrides ?? new Dictionary<string, ModelPrice>())
            _prices[model] = price;
    }

    /// <summary>The model's prices, or null when it is not in the table (or no model is named).</summary>
    public ModelPrice? Find(string? model)
    {
        if (string.IsNullOrWhiteSpace(model))
            return null;
        if (_prices.TryGetValue(model, out var price))
            return price;
        var named = ProviderForm().Match(model);
        return named.Success && _prices.TryGetValue(named.Groups["model"].Value + (named.Groups["date"].Success ? "-" + named.Groups["date"].Value : ""), out price)
            ? price : null;
    }

    // anthropic/claude-x, anthropic.claude-x-20250929-v1:0, us.anthropic.claude-x-v1:0, claude-x@20251001
    [GeneratedRegex(@"^(?:[a-z]{2,4}\.)?(?:anthropic[./])?(?<model>claude-[a-z0-9-]+?)(?:[-@](?<date>\d{8}))?(?:-v\d+(?::\d+)?)?$", RegexOptions.IgnoreCase)]
    private static partial Regex ProviderForm();
}
