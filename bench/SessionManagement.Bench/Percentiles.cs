using System.Globalization;

namespace SessionManagement.Bench;

internal static class Percentiles
{
    public static double Of(IReadOnlyList<double> sorted, double percentile)
    {
        if (sorted.Count == 0)
            return double.NaN;
        var rank = percentile / 100 * (sorted.Count - 1);
        var low = (int)Math.Floor(rank);
        var high = (int)Math.Ceiling(rank);
        return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
    }

    public static string Row(string name, List<double> milliseconds)
    {
        milliseconds.Sort();
        return string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {milliseconds.Count} | {Of(milliseconds, 50):0.00} | {Of(milliseconds, 99):0.00} | {milliseconds[0]:0.00} | {milliseconds[^1]:0.00} |");
    }
}
