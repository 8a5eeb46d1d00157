using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using SessionManagement.Hosting.Configuration;
using SessionManagement.Hosting.Pricing;
using SessionManagement.Status.Options;
using SessionManagement.Testing;

namespace SessionManagement.Status.Tests;

/// <summary>Prices against Anthropic's list prices, per million tokens, written down here, and against the installed Claude Code's own catalog.</summary>
public sealed partial class PriceTableTests
{
    private static readonly PriceTable Prices = new();

    [Theory]
    [InlineData("claude-opus-4-5-20251101", 5 + 25 + 6.25 + 0.5)]
    [InlineData("claude-opus-4-5", 5 + 25 + 6.25 + 0.5)]
    [InlineData("claude-opus-4-6", 5 + 25 + 6.25 + 0.5)]
    [InlineData("claude-opus-4-1-20250805", 15 + 75 + 18.75 + 1.5)]
    [InlineData("claude-opus-4-20250514", 15 + 75 + 18.75 + 1.5)]
    [InlineData("claude-sonnet-4-5-20250929", 3 + 15 + 3.75 + 0.3)]
    [InlineData("claude-sonnet-4-6", 3 + 15 + 3.75 + 0.3)]
    [InlineData("claude-3-7-sonnet-20250219", 3 + 15 + 3.75 + 0.3)]
    [InlineData("claude-haiku-4-5-20251001", 1 + 5 + 1.25 + 0.1)]
    [InlineData("claude-3-5-haiku-20241022", 0.8 + 4 + 1 + 0.08)]
    [InlineData("anthropic.claude-sonnet-4-5-20250929-v1:0", 3 + 15 + 3.75 + 0.3)] // Bedrock
    [InlineData("us.anthropic.claude-opus-4-1-20250805-v1:0", 15 + 75 + 18.75 + 1.5)] // Bedrock cross-region
    [InlineData("claude-haiku-4-5@20251001", 1 + 5 + 1.25 + 0.1)] // Vertex
    [InlineData("anthropic/claude-opus-4-5", 5 + 25 + 6.25 + 0.5)] // a gateway
    [InlineData("claude-opus-5-5", 4 + 20 + 5 + 0.2)] // Claude Code 2.1.332's default model
    [InlineData("us.anthropic.claude-opus-5-5", 4 + 20 + 5 + 0.2)] // its Bedrock id, as Claude Code's catalog gives it
    public void When_a_model_is_named_by_any_of_its_ids_Should_price_it_at_its_own_list_price(string model, double perMillionOfEach)
    {
        var price = Prices.Find(model);

        Assert.NotNull(price);
        // 100,000 of each kind: below the 200,000 where long-context rates begin.
        Assert.Equal(decimal.Round((decimal)perMillionOfEach / 10, 6), decimal.Round(price.Cost(100_000, 100_000, 100_000, 100_000), 6));
    }

    [Theory]
    [InlineData("claude-opus-9")]
    [InlineData("claude-opus")]
    [InlineData("gpt-5")]
    [InlineData("<synthetic>")]
    [InlineData("")]
    [InlineData(null)]
    public void When_a_model_is_not_in_the_table_Should_leave_it_unpriced(string? model) => Assert.Null(Prices.Find(model));

    [Fact]
    public void When_a_response_passes_200k_tokens_of_a_kind_Should_charge_the_long_context_rate_beyond_them()
    {
        var sonnet = Prices.Find("claude-sonnet-4-5")!;
        var opus = Prices.Find("claude-opus-4-5")!;

        Assert.Equal(200_000 * 3m / 1_000_000 + 100_000 * 6m / 1_000_000, sonnet.Cost(300_000, 0, 0, 0));
        Assert.Equal(300_000 * 5m / 1_000_000, opus.Cost(300_000, 0, 0, 0)); // Opus 4.5 has no long-context rate
    }

    [Fact]
    public void When_prices_are_configured_Should_add_or_replace_models_and_refuse_incomplete_ones()
    {
        var options = new StatusOptions();
        options.Prices["claude-opus-4-5"] = new PriceOptions { Input = 4, Output = 20 };
        options.Prices["claude-private-1"] = new PriceOptions { Input = 2, Output = 8, CacheRead = 0 };
        var table = PriceTable.From(options.Prices);
        options.Prices["claude-broken"] = new PriceOptions { Input = 2 };
        options.Prices["claude-negative"] = new PriceOptions { Input = -1, Output = 1 };

        Assert.Equal(4m + 20m + 5m + 0.4m, table.Find("claude-opus-4-5")!.Cost(1_000_000, 1_000_000, 1_000_000, 1_000_000));
        Assert.Equal(2m + 8m + 2.5m, table.Find("claude-private-1")!.Cost(1_000_000, 1_000_000, 1_000_000, 1_000_000));
        Assert.Equal(5m + 25m, table.Find("claude-opus-4-5-20251101")!.Cost(1_000_000, 1_000_000, 0, 0)); // the dated id keeps its own price
        var refused = Assert.Throws<InvalidConfigurationException>(() => PriceTable.From(options.Prices));
        Assert.Contains("Status:Prices:claude-broken: both Input and Output are needed", refused.Message);
        Assert.Contains("Status:Prices:claude-negative: a price below zero", refused.Message);
    }

    [Fact]
    public void When_prices_are_configured_in_the_settings_Should_be_read_by_whoever_builds_the_table_from_them()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Status:Prices:claude-private-2:Input"] = "2",
            ["Status:Prices:claude-private-2:Output"] = "10",
        }).Build();

        var table = PriceTable.From(configuration);

        Assert.Equal(2m + 10m + 2.5m + 0.2m, table.Find("claude-private-2")!.Cost(1_000_000, 1_000_000, 1_000_000, 1_000_000));
        Assert.Null(new PriceTable().Find("claude-private-2"));
    }

    /// <summary>
    /// Every model in the installed Claude Code's own catalog (read out of its executable) that ccusage does not price (its id is
    /// nowhere in ccusage's code) is priced as Claude Code prices it: its tier's input, output, cache-write and cache-read rates,
    /// and, for a tier with a long-prompt rate, every token of a response whose prompt is longer than the tier's threshold at that
    /// rate. Models ccusage prices are held to ccusage (<see cref="UsageLikeCcusageTests"/>). A Claude Code that adds a model fails
    /// this until the table has it.
    /// </summary>
    [Fact]
    public void When_Claude_Code_prices_a_model_ccusage_does_not_know_Should_price_it_as_Claude_Code_does()
    {
        var catalog = ClaudeCodeCatalog(ClaudeRun.Executable());
        var ccusage = string.Concat(Directory.EnumerateFiles(Path.GetDirectoryName(Ccusage.Script())!, "*.js", SearchOption.AllDirectories).Select(File.ReadAllText));
        var unknownToCcusage = catalog.Where(m => !ccusage.Contains($"\"{m.Id}\"", StringComparison.Ordinal)).ToList();
        Assert.True(catalog.Count >= 20, $"Claude Code's catalog read whole: {catalog.Count} models");
        Assert.Contains(unknownToCcusage, m => m.Id == "claude-opus-5-5"); // its default model
        Assert.Contains(unknownToCcusage, m => m.Tier.Above is not null);

        foreach (var (id, tier) in unknownToCcusage)
        {
            var price = Prices.Find(id);
            Assert.True(price is not null, $"{id} is in Claude Code's catalog and not priced");
            // A short prompt: 1,000 input, 2,000 output, 3,000 cache-write and 4,000 cache-read tokens; then prompts just at and just past the threshold.
            Assert.True(tier.Cost(1_000, 2_000, 3_000, 4_000) == price.Cost(1_000, 2_000, 3_000, 4_000), $"{id}: {price} against Claude Code's {tier}");
            if (tier.Above is { } above)
            {
                Assert.True(tier.Cost(above, 2_000, 0, 0) == price.Cost(above, 2_000, 0, 0), $"{id} at {above}");
                Assert.True(tier.Cost(above, 2_000, 0, 1) == price.Cost(above, 2_000, 0, 1), $"{id} past {above}");
            }
        }
    }

    /// <summary>Per million tokens: input, output, cache writes (five minutes), cache reads.</summary>
    private sealed record Rates(decimal Input, decimal Output, decimal Write, decimal Read)
    {
        public decimal Cost(long input, long output, long write, long read) => (input * Input + output * Output + write * Write + read * Read) / 1_000_000m;
    }

    /// <summary>A tier of Claude Code's catalog and its rule: a response whose prompt (input, cache writes and reads) passes <paramref name="Above"/> is priced at <paramref name="Long"/>.</summary>
    private sealed record CatalogTier(Rates Base, long? Above, Rates? Long)
    {
        public decimal Cost(long input, long output, long write, long read) =>
            (Above is { } above && Long is { } rates && input + write + read > above ? rates : Base).Cost(input, output, write, read);
    }

    [Fact]
    public void When_a_responses_prompt_is_longer_than_a_long_prompt_threshold_Should_price_every_token_of_it_at_the_long_rate()
    {
        var haiku = Prices.Find("claude-haiku-5-5")!;

        Assert.Equal((60_000 * 0.1m + 1_000 * 0.5m + 40_000 * 0.01m) / 1_000_000, haiku.Cost(60_000, 1_000, 0, 40_000)); // 100,000: not longer
        Assert.Equal((60_000 * 0.5m + 1_000 * 2.5m + 40_000 * 0.05m + 1 * 0.625m) / 1_000_000, haiku.Cost(60_000, 1_000, 1, 40_000));
    }

    /// <summary>
    /// Claude Code's model catalog, as its bundled code holds it (<c>pricing_tiers:{tier_3_15:{input:3,output:15,cache_write_5m:…},…},
    /// models:[{id:"claude-…",…,provider_ids:{first_party:"claude-…",…},…,pricing:"tier_3_15",…},…]</c>): each model's first-party id
    /// with its tier's prices, written here as this test reads them.
    /// </summary>
    private static List<(string Id, CatalogTier Tier)> ClaudeCodeCatalog(string executable)
    {
        var text = ExecutableText.After(executable, "pricing_tiers:{"u8.ToArray(), 64 << 10).FirstOrDefault()
            ?? throw new InvalidDataException($"{executable} holds no pricing_tiers:{{");
        var models = text.IndexOf("models:[", StringComparison.Ordinal);
        Assert.True(models > 0, "Claude Code's catalog lists its models after its pricing tiers");
        var tiers = Tier().Matches(text[..models]).ToDictionary(m => m.Groups["name"].Value, m => new CatalogTier(
            new Rates(Number(m, "in"), Number(m, "out"), Number(m, "write"), Number(m, "read")),
            m.Groups["above"].Success ? (long)Number(m, "above") : null,
            m.Groups["above"].Success ? new Rates(Number(m, "lin"), Number(m, "lout"), Number(m, "lwrite"), Number(m, "lread")) : null));
        var end = text.IndexOf("latest_per_family", models, StringComparison.Ordinal);
        return text[models..end].Split("{id:\"claude-")[1..]
            .Select(entry => (Id: Regex.Match(entry, "first_party:\"(?<id>[^\"]+)\"").Groups["id"].Value, Tier: Regex.Match(entry, "pricing:\"(?<tier>\\w+)\"").Groups["tier"].Value))
            .Where(m => m.Id.Length > 0 && m.Tier.Length > 0)
            .Select(m => (m.Id, tiers.TryGetValue(m.Tier, out var tier) ? tier : throw new InvalidDataException($"{m.Id}'s tier {m.Tier} is not among {string.Join(", ", tiers.Keys)}")))
            .ToList();
    }

    private static decimal Number(Match match, string group) => decimal.Parse(match.Groups[group].Value, NumberStyles.Float, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"(?<name>\w+):\{input:(?<in>[\d.e]+),output:(?<out>[\d.e]+),cache_write_5m:(?<write>[\d.e]+),(?:cache_write_1h:[\d.e]+,)?cache_read:(?<read>[\d.e]+),web_search:[\d.e]+(?:,long_prompt:\{above_prompt_tokens:(?<above>[\d.e]+),input:(?<lin>[\d.e]+),output:(?<lout>[\d.e]+),cache_write_5m:(?<lwrite>[\d.e]+),(?:cache_write_1h:[\d.e]+,)?cache_read:(?<lread>[\d.e]+)\})?\}")]
    private static partial Regex Tier();
}
