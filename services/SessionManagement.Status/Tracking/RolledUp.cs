namespace SessionManagement.Status.Tracking;

/// <summary>One metric's total over one period, for one project and user.</summary>
public sealed record RolledUp(string Granularity, DateTimeOffset PeriodStart, string Project, string User, string Metric, double Value);
