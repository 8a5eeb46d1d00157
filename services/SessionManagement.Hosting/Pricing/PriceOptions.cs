namespace SessionManagement.Hosting.Pricing;

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
