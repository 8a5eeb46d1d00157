namespace SessionManagement.Status.Tracking;

/// <summary>One metric's total over one period, for one project, user and model (empty for metrics not counted per model).</summary>
public sealed record RolledUp(string Granularity, DateTimeOffset PeriodStart, string Project, string User, string Model, string Metric, double Value);
