using SessionManagement.Status.Tracking;

namespace SessionManagement.Status.Storage;

/// <summary>The status module's live statuses, per-minute counters and roll-ups.</summary>
public interface IStatusStore
{
    Task<LiveStatus?> GetAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the statuses and adds the amounts to the minute counters, together. Amounts for an hour or a day that had closed by
    /// <paramref name="now"/> reach that period's roll-ups too (<see cref="LatePeriod"/>): the schedule totalled it when it closed.
    /// </summary>
    Task SaveAsync(IReadOnlyCollection<LiveStatus> statuses, IReadOnlyCollection<Counter> counters, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Totals the minute counters in [start, end) into one roll-up per project, user and metric; doing it again gives the same rows.</summary>
    Task<int> RollUpAsync(string granularity, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken);

    /// <summary>Roll-ups of a granularity with periods in [from, to); for <c>minute</c>, the counters themselves.</summary>
    Task<IReadOnlyList<RolledUp>> ReadAsync(string granularity, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);
}
