using SessionManagement.Hosting.Pricing;

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
