using SessionManagement.Contracts.Status;
using SessionManagement.Status.Tracking;

namespace SessionManagement.Status.Storage;

/// <summary>The status module's live statuses, per-minute counters and roll-ups.</summary>
public interface IStatusStore
{
    Task<LiveStatus?> GetAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>Removes a session's live status (the session deleted for good).</summary>
    Task ForgetAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the statuses and adds the amounts to the minute counters, together. Amounts for an hour or a day that had closed by
    /// <paramref name="now"/> reach that period's roll-ups too (<see cref="LatePeriod"/>): the schedule totalled it when it closed.
    /// <paramref name="counted"/> are the hooks these amounts count, remembered with them (<see cref="CountedAsync"/>).
    /// </summary>
    Task SaveAsync(IReadOnlyCollection<LiveStatus> statuses, IReadOnlyCollection<Counter> counters, DateTimeOffset now, CancellationToken cancellationToken,
        IReadOnlyCollection<Guid>? counted = null);

    /// <summary>
    /// Of <paramref name="eventIds"/>, the hooks counted already: a hook is handed over again after a restart (the embedded gateway's
    /// accepted-events log gives every module what one of them had not stored yet) or redelivered by the broker.
    /// </summary>
    Task<IReadOnlySet<Guid>> CountedAsync(IReadOnlyCollection<Guid> eventIds, CancellationToken cancellationToken);

    /// <summary>Forgets the counted hooks captured before <paramref name="before"/> (their ids are UUIDv7: their time is in them).</summary>
    Task ForgetCountedAsync(DateTimeOffset before, CancellationToken cancellationToken);

    /// <summary>Totals the minute counters in [start, end) into one roll-up per project, user and metric; doing it again gives the same rows.</summary>
    Task<int> RollUpAsync(string granularity, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken);

    /// <summary>Roll-ups of a granularity with periods in [from, to); for <c>minute</c>, the counters themselves.</summary>
    Task<IReadOnlyList<RolledUp>> ReadAsync(string granularity, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);

    /// <summary>The last backup run of each kind that has run.</summary>
    Task<IReadOnlyList<BackupRunView>> BackupRunsAsync(CancellationToken cancellationToken);

    /// <summary>Keeps a kind's last backup run, in place of the one before it.</summary>
    Task SaveBackupRunAsync(BackupRunView run, CancellationToken cancellationToken);
}
