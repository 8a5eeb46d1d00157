namespace SessionManagement.Status.Tracking;

/// <summary>
/// List prices per million tokens by model family (input, output), for the cost estimate in reports; cache reads are
/// billed at a tenth of input, cache writes at 1.25×. Claude Code's status line shows its own exact cost.
/// </summary>
public static class Pricing
{
    private static readonly (string Family, decimal Input, decimal Output)[] Families =
    [
        ("opus", 15m, 75m),
        ("sonnet", 3m, 15m),
        ("haiku", 0.8m, 4m),
    ];

    public static decimal Cost(string? model, long input, long output, long cacheCreation, long cacheRead)
    {
        var (_, inPrice, outPrice) = Families.FirstOrDefault(f => model?.Contains(f.Family, StringComparison.OrdinalIgnoreCase) == true);
        if (inPrice == 0)
            (inPrice, outPrice) = (3m, 15m); // unknown model: priced as the common middle tier
        return (input * inPrice + cacheCreation * inPrice * 1.25m + cacheRead * inPrice * 0.1m + output * outPrice) / 1_000_000m;
    }
}
