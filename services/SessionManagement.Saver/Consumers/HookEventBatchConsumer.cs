using MassTransit;
using SessionManagement.Contracts.Gateway;
using SessionManagement.Contracts.Saver;
using SessionManagement.Saver.Sessions;
using SessionManagement.Saver.Storage;

namespace SessionManagement.Saver.Consumers;

/// <summary>
/// Stores captured hooks in batches (one store transaction per batch), then announces what changed: the hooks a gateway
/// publishes one by one over RabbitMQ. The batch is acknowledged only after the write, and a redelivered event is a no-op, so
/// a crash anywhere loses nothing and stores nothing twice.
/// </summary>
public sealed class HookEventBatchConsumer(ISessionStore store) : IConsumer<Batch<HookEventCaptured>>
{
    public Task Consume(ConsumeContext<Batch<HookEventCaptured>> context) =>
        HookEventSaving.SaveAsync(store, context.Message.Select(m => m.Message).ToList(), context);
}

/// <summary>
/// The same for the embedded gateway, which hands its hooks over in bursts (<see cref="HookEventsAccepted"/>): the bursts that
/// arrive within a batch's time are stored together.
/// </summary>
public sealed class HookEventsAcceptedConsumer(ISessionStore store) : IConsumer<Batch<HookEventsAccepted>>
{
    public Task Consume(ConsumeContext<Batch<HookEventsAccepted>> context) =>
        HookEventSaving.SaveAsync(store, context.Message.SelectMany(m => m.Message.Events).ToList(), context);
}

/// <summary>One store transaction for a batch of hooks, then SessionStarted, SessionSaved and SessionEnded for what changed.</summary>
internal static class HookEventSaving
{
    private static readonly Prometheus.Histogram SaveDuration = Prometheus.Metrics.CreateHistogram(
        "sm_saver_save_duration_seconds", "One batch of hooks written to the session store.",
        new Prometheus.HistogramConfiguration { Buckets = Prometheus.Histogram.ExponentialBuckets(0.0005, 2, 14) });

    public static async Task SaveAsync(ISessionStore store, IReadOnlyList<HookEventCaptured> hooks, ConsumeContext context)
    {
        var events = hooks.Select(StoredEventReader.From).ToList();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var saved = await store.SaveAsync(events, context.CancellationToken);
        var duration = clock.Elapsed.TotalMilliseconds;
        SaveDuration.Observe(duration / 1000);
        var announcements = new List<object>();
        foreach (var result in saved)
        {
            var state = result.State;
            if (result.Started)
            {
                var start = events.Where(e => e.SessionId == state.SessionId && e.HookEventName == "SessionStart").MaxBy(e => e.ReceivedAt)
                    ?? events.Where(e => e.SessionId == state.SessionId).MinBy(e => e.ReceivedAt)!;
                announcements.Add(new SessionStarted(state.SessionId, start.EventId, state.Source ?? "", state.Cwd, state.Model, state.ParentSessionId, state.StartedAt));
            }
            announcements.Add(new SessionSaved(state.SessionId, state.Version, state.EventCount, state.Checksum, DateTimeOffset.UtcNow, duration));
            if (result.Ended)
                announcements.Add(new SessionEnded(state.SessionId, state.EndReason ?? "", state.StartedAt, state.EndedAt!.Value, state.EventCount,
                    state.ProjectDir, events.Last(e => e.SessionId == state.SessionId).User));
        }
        // The final save: a session that just ended gets its snapshot now, not at the next auto-save.
        var ended = saved.Where(r => r.Ended).Select(r => r.State.SessionId).ToList();
        if (ended.Count > 0)
            await store.SnapshotAsync(ended, DateTimeOffset.UtcNow, context.CancellationToken);
        await context.PublishBatch(announcements, context.CancellationToken);
    }
}
