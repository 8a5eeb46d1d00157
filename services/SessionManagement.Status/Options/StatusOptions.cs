namespace SessionManagement.Status.Options;

/// <summary>The status module's settings (section <c>Status</c>).</summary>
public sealed class StatusOptions
{
    public const string Section = "Status";

    /// <summary>
    /// Prices by exact model id, in dollars per million tokens, added to the built-in list prices or replacing them:
    /// <c>Status:Prices:claude-opus-4-5:Input=5</c>. A model given here needs at least its input and output prices; cache
    /// writes default to 1.25× input and cache reads to 0.1× input, as Anthropic bills them.
    /// </summary>
    public Dictionary<string, PriceOptions> Prices { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>One model's prices in dollars per million tokens; the <c>…Above200K</c> rates apply to a response's tokens past 200,000.</summary>
public sealed class PriceOptions
{
    public decimal? Input { get; set; }
    public decimal? Output { get; set; }
    public decimal? CacheWrite { get; set; }
    public decimal? CacheRead { get; set; }
    public decimal? InputAbove200K { get; set; }
    public decimal? OutputAbove200K { get; set; }
    public decimal? CacheWriteAbove200K { get; set; }
    public decimal? CacheReadAbove200K { get; set; }
}
