using SessionManagement.Contracts.Status;

namespace SessionManagement.Gateway.Web;

/// <summary>Reading the status module's report rows.</summary>
internal static class ReportRows
{
    /// <summary>The row's value of a metric; zero when the report did not count it.</summary>
    public static double Value(this ReportRow row, string metric) => row.Metrics.TryGetValue(metric, out var value) ? value : 0;
}
