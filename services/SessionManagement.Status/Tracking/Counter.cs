namespace SessionManagement.Status.Tracking;

/// <summary>
/// An amount of one metric in one minute, for one project and user; tokens and cost also for the model that answered
/// (<see cref="Tracking.Metric.ByModel"/>), every other metric with an empty model.
/// </summary>
public sealed record Counter(DateTimeOffset Minute, string Project, string User, string Model, string Metric, double Value)
{
    public static DateTimeOffset MinuteOf(DateTimeOffset at) =>
        new(at.UtcDateTime.Year, at.UtcDateTime.Month, at.UtcDateTime.Day, at.UtcDateTime.Hour, at.UtcDateTime.Minute, 0, TimeSpan.Zero);
}
