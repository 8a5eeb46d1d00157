using MassTransit;
using SessionManagement.Contracts.Chat;
using SessionManagement.Contracts.Loader;
using SessionManagement.Contracts.Saver;
using SessionManagement.Contracts.Scheduler;
using SessionManagement.Contracts.Status;
using SessionManagement.Status.Storage;
using SessionManagement.Status.Tracking;

namespace SessionManagement.Status.Consumers;

/// <summary>
/// Lifecycle, backup and integrity events, token usage as chat stores transcript records, imported transcripts' summaries (these two
/// a batch's time together: an import sends a few hundred of each a second) and the schedule's roll-ups.
/// </summary>
public sealed class StatusEventsConsumer(StatusTracker tracker, IStatusStore store) :
    IConsumer<SessionStarted>, IConsumer<SessionSaved>, IConsumer<SessionEnded>, IConsumer<BackupCompleted>, IConsumer<BackupFailed>,
    IConsumer<SessionCorrupted>, IConsumer<SessionRecovered>, IConsumer<Batch<UsageRecorded>>, IConsumer<ComputeMetrics>, IConsumer<ContextServed>,
    IConsumer<Batch<TranscriptSummarized>>, IConsumer<BackupsRan>, IConsumer<SessionDeleted>
{
    public Task Consume(ConsumeContext<SessionDeleted> c) => tracker.ForgetAsync(c.Message.SessionId, c.CancellationToken);

    /// <summary>
    /// A module's part of a backup run: kept as its kind's last run, with when the kind last ran without a failure (an older run
    /// delivered after a newer one is passed over).
    /// </summary>
    public async Task Consume(ConsumeContext<BackupsRan> c)
    {
        var ran = c.Message;
        var before = (await store.BackupRunsAsync(c.CancellationToken)).FirstOrDefault(r => r.Kind == ran.Kind);
        if (before is not null && before.LastRunAt > ran.At)
            return;
        var good = ran.Failed == 0 && ran.Problem is null;
        await store.SaveBackupRunAsync(new BackupRunView(ran.Kind, ran.Folder, ran.At, ran.Written, ran.Failed, ran.Problem, good ? ran.At : before?.LastGoodAt),
            c.CancellationToken);
    }

    public Task Consume(ConsumeContext<Batch<TranscriptSummarized>> c) => tracker.TranscriptsAsync(c.Message.Select(m => m.Message).ToList(), c.CancellationToken);

    public Task Consume(ConsumeContext<SessionStarted> c) => tracker.StartedAsync(c.Message, c.CancellationToken);

    public Task Consume(ConsumeContext<SessionSaved> c) => tracker.SavedAsync(c.Message, c.CancellationToken);

    public Task Consume(ConsumeContext<SessionEnded> c) => tracker.EndedAsync(c.Message, c.CancellationToken);

    public Task Consume(ConsumeContext<BackupCompleted> c) => tracker.BackupAsync(c.Message.SessionId, c.Message.CompletedAt, false, c.CancellationToken);

    public Task Consume(ConsumeContext<BackupFailed> c) => tracker.BackupAsync(c.Message.SessionId, c.Message.FailedAt, true, c.CancellationToken);

    public Task Consume(ConsumeContext<SessionCorrupted> c) => tracker.IntegrityAsync(c.Message.SessionId, c.Message.DetectedAt, true, c.CancellationToken);

    public Task Consume(ConsumeContext<SessionRecovered> c) => tracker.IntegrityAsync(c.Message.SessionId, c.Message.RecoveredAt, false, c.CancellationToken);

    public Task Consume(ConsumeContext<ContextServed> c) => tracker.ContextServedAsync(c.Message, c.CancellationToken);

    public Task Consume(ConsumeContext<Batch<UsageRecorded>> c) => tracker.UsageAsync(c.Message.Select(m => m.Message).ToList(), c.CancellationToken);

    /// <summary>
    /// Minute periods are the counters themselves; hours and days are totalled into roll-ups (again gives the same rows). Each day also
    /// forgets the hooks counted more than <see cref="StatusTracker.CountedKeptFor"/> before.
    /// </summary>
    public async Task Consume(ConsumeContext<ComputeMetrics> c)
    {
        if (c.Message.Granularity == "minute")
            return;
        await store.RollUpAsync(c.Message.Granularity, c.Message.PeriodStart, c.Message.PeriodEnd, c.CancellationToken);
        if (c.Message.Granularity == "day")
            await store.ForgetCountedAsync(c.Message.PeriodEnd - StatusTracker.CountedKeptFor, c.CancellationToken);
    }
}
