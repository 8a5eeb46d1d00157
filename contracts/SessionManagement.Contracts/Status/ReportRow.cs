namespace SessionManagement.Contracts.Status;

/// <summary>One group of a report (a period, a project or a user) and its metric values.</summary>
public record ReportRow(string Group, IReadOnlyDictionary<string, double> Metrics);
