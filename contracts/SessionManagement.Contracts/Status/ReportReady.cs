namespace SessionManagement.Contracts.Status;

/// <summary>A report: one row per group, each with its metrics.</summary>
public record ReportReady(string Kind, string Granularity, string GroupBy, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<ReportRow> Rows);
