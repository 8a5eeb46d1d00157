namespace SessionManagement.Status.Tracking;

/// <summary>
/// An hour or a day that had closed before counts for it came (an imported session, a spool replayed late), with what those counts
/// add to it per project, user, model and metric. The schedule rolls up only the period that just closed, so the store brings such a
/// period's roll-ups up to date as it adds the counts.
/// </summary>
public sealed record LatePeriod(string Granularity, DateTimeOffset Start, DateTimeOffset End, IReadOnlyList<Counter> Added)
{
    /// <summary>The hours and days of <paramref name="counters"/> that closed at or before <paramref name="now"/>.</summary>
    public static IReadOnlyList<LatePeriod> Of(IReadOnlyCollection<Counter> counters, DateTimeOffset now)
    {
        var late = new List<LatePeriod>();
        foreach (var hour in counters.GroupBy(c => HourOf(c.Minute)).Where(g => g.Key.AddHours(1) <= now))
            late.Add(new LatePeriod("hour", hour.Key, hour.Key.AddHours(1), Totals(hour, hour.Key)));
        foreach (var day in counters.GroupBy(c => DayOf(c.Minute)).Where(g => g.Key.AddDays(1) <= now))
            late.Add(new LatePeriod("day", day.Key, day.Key.AddDays(1), Totals(day, day.Key)));
        return late;
    }

    private static DateTimeOffset HourOf(DateTimeOffset minute) => minute.AddMinutes(-minute.Minute);

    private static DateTimeOffset DayOf(DateTimeOffset minute) => HourOf(minute).AddHours(-minute.Hour);

    private static List<Counter> Totals(IEnumerable<Counter> counters, DateTimeOffset start) =>
        counters.GroupBy(c => (c.Project, c.User, c.Model, c.Metric)).Select(g => g.First() with { Minute = start, Value = g.Sum(c => c.Value) }).ToList();
}
