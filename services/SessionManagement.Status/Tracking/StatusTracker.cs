using SessionManagement.Contracts.Chat;
using SessionManagement.Contracts.Gateway;
using SessionManagement.Contracts.Loader;
using SessionManagement.Contracts.Saver;
using SessionManagement.Hosting.Pricing;
using SessionManagement.Status.Storage;

namespace SessionManagement.Status.Tracking;

/// <summary>
/// Folds what happens into each session's live status and the minute counters. The status target runs as one instance, so
/// it keeps the statuses it wrote and changes them in memory; changes arriving together are written together, in one store call.
/// </summary>
public sealed class StatusTracker(IStatusStore store, PriceTable prices, TimeProvider time)
{
    public StatusTracker(IStatusStore store) : this(store, new PriceTable(), TimeProvider.System)
    {
    }

    /// <summary>Statuses as last written; this instance is their only writer, so they stay true until the process ends.</summary>
    private const int MaxCachedStatuses = 50_000;

    /// <summary>How long the hooks counted are remembered: longer than a host stays down holding hooks it had not stored.</summary>
    public static readonly TimeSpan CountedKeptFor = TimeSpan.FromDays(7);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<PendingChange> _queue = [];
    private readonly Dictionary<string, LiveStatus> _cache = new(StringComparer.Ordinal);

    /// <summary>
    /// Counts prompts, tool calls and errors, each hook once: one counted before (handed over again after a restart, redelivered by
    /// the broker) only marks the session's activity. Which were counted is asked when the change is written (<see cref="WriteQueuedAsync"/>),
    /// so changes keep the order they came in.
    /// </summary>
    public Task HooksAsync(IReadOnlyList<HookEventCaptured> hooks, CancellationToken cancellationToken)
    {
        var kept = hooks.Where(h => !string.IsNullOrEmpty(h.SessionId)).ToList();
        var counting = kept.Where(h => MetricOf(h.HookEventName) is not null).Select(h => h.EventId).Distinct().ToList();
        var fresh = new HashSet<Guid>();
        return UpdateAsync(kept.GroupBy(h => h.SessionId), (status, group, counters) => CountHooks(status, group, fresh, counters), cancellationToken,
            counting, fresh);
    }

    private static string? MetricOf(string hookEventName) => hookEventName switch
    {
        "UserPromptSubmit" => Metric.Prompts,
        "PreToolUse" => Metric.ToolCalls,
        "PostToolUseFailure" or "StopFailure" => Metric.Errors,
        _ => null,
    };

    /// <summary>The hooks' activity, and a count of each in <paramref name="fresh"/> (once, should it come twice).</summary>
    private static LiveStatus CountHooks(LiveStatus status, IEnumerable<HookEventCaptured> hooks, HashSet<Guid> fresh, List<Counter> counters)
    {
        var once = new HashSet<Guid>();
        foreach (var hook in hooks)
        {
            status = status.Touched(hook.ReceivedAt) with { ProjectDir = status.ProjectDir ?? hook.Cwd, User = status.User ?? hook.User };
            var metric = fresh.Contains(hook.EventId) && once.Add(hook.EventId) ? MetricOf(hook.HookEventName) : null;
            status = metric switch
            {
                Metric.Prompts => status with { Prompts = status.Prompts + 1 },
                Metric.ToolCalls => status with { ToolCalls = status.ToolCalls + 1 },
                Metric.Errors => status with { Errors = status.Errors + 1 },
                _ => status,
            };
            if (metric is not null)
                counters.Add(Count(status, hook.ReceivedAt, metric, 1));
        }
        return status;
    }

    public Task StartedAsync(SessionStarted started, CancellationToken cancellationToken) =>
        UpdateOneAsync(started.SessionId, (status, counters) =>
        {
            counters.Add(Count(status with { ProjectDir = status.ProjectDir ?? started.Cwd }, started.StartedAt, Metric.SessionsStarted, 1));
            return status.Touched(started.StartedAt) with { ProjectDir = status.ProjectDir ?? started.Cwd, Model = started.Model ?? status.Model, EndedAt = null };
        }, cancellationToken);

    public Task SavedAsync(SessionSaved saved, CancellationToken cancellationToken) =>
        UpdateOneAsync(saved.SessionId, (status, counters) =>
        {
            counters.Add(Count(status, saved.SavedAt, Metric.Saves, 1));
            if (saved.DurationMs is { } ms)
                counters.Add(Count(status, saved.SavedAt, Metric.Bucket("save", ms), 1));
            return status.Known(saved.SavedAt) with { LastSavedAt = saved.SavedAt, EventsSaved = Math.Max(status.EventsSaved, saved.EventCount) };
        }, cancellationToken);

    public Task EndedAsync(SessionEnded ended, CancellationToken cancellationToken) =>
        UpdateOneAsync(ended.SessionId, (status, counters) =>
        {
            var updated = status.Touched(ended.EndedAt) with { EndedAt = ended.EndedAt, ProjectDir = status.ProjectDir ?? ended.ProjectDir, User = status.User ?? ended.User };
            counters.Add(Count(updated, ended.EndedAt, Metric.SessionsEnded, 1));
            return updated;
        }, cancellationToken);

    public Task BackupAsync(string sessionId, DateTimeOffset at, bool failed, CancellationToken cancellationToken) =>
        UpdateOneAsync(sessionId, (status, counters) =>
        {
            counters.Add(Count(status, at, failed ? Metric.BackupFailures : Metric.Backups, 1));
            status = status.Known(at);
            return failed ? status with { BackupFailed = true } : status with { LastBackupAt = at, BackupFailed = false };
        }, cancellationToken);

    public Task IntegrityAsync(string sessionId, DateTimeOffset at, bool corrupted, CancellationToken cancellationToken) =>
        UpdateOneAsync(sessionId, (status, counters) =>
        {
            counters.Add(Count(status, at, corrupted ? Metric.Corruptions : Metric.Recoveries, 1));
            return status.Known(at) with { Corrupted = corrupted };
        }, cancellationToken);

    /// <summary>A SessionStart context served: counted, with its latency bucket, under the session's project.</summary>
    public Task ContextServedAsync(ContextServed served, CancellationToken cancellationToken) =>
        UpdateOneAsync(served.SessionId, (status, counters) =>
        {
            counters.Add(Count(status, served.ServedAt, Metric.Loads, 1));
            counters.Add(Count(status, served.ServedAt, Metric.Bucket("load", served.DurationMs), 1));
            if (served.MissingParts.Count > 0)
                counters.Add(Count(status, served.ServedAt, Metric.LoadsMissingParts, 1));
            return status.Known(served.ServedAt);
        }, cancellationToken);

    /// <summary>
    /// Token usage of the API responses chat stored for the first time (chat reports each response once, however many
    /// transcript lines repeat it), priced by the model that answered; a model the price table does not know adds its tokens to
    /// <see cref="Metric.UnpricedTokens"/> and nothing to the cost. A session no hook has reached yet (an import, lines the hooks
    /// missed) takes its project and user from the lines, as it would from its first hook, so its usage is counted under them.
    /// </summary>
    public Task UsageAsync(UsageRecorded recorded, CancellationToken cancellationToken) => UsageAsync([recorded], cancellationToken);

    /// <summary>
    /// Several reports of usage written together, each its own change (one that throws fails only itself; the call fails with it). A
    /// report with an id is counted once, however often it comes: the whole batch given again after a failure counts only what was not.
    /// </summary>
    public Task UsageAsync(IReadOnlyList<UsageRecorded> usages, CancellationToken cancellationToken) =>
        WriteAsync(usages.Where(u => u.Usage is not { Count: 0 } && !string.IsNullOrEmpty(u.SessionId)).Select(UsageChange).ToList(), cancellationToken);

    private PendingChange UsageChange(UsageRecorded recorded)
    {
        var once = recorded.UsageId != Guid.Empty;
        var fresh = new HashSet<Guid>();
        return new PendingChange([(recorded.SessionId, (status, counters) => once && !fresh.Contains(recorded.UsageId) ? status : Used(status, recorded, counters))],
            once ? [recorded.UsageId] : [], fresh);
    }

    private LiveStatus Used(LiveStatus status, UsageRecorded recorded, List<Counter> counters)
    {
        status = status with { ProjectDir = status.ProjectDir ?? recorded.Cwd, User = status.User ?? recorded.User };
        foreach (var (model, at, tokens) in recorded.Usage)
        {
            var answered = model ?? status.Model;
            var price = prices.Find(answered);
            var cost = price?.Cost(tokens) ?? 0m;
            var input = tokens.InputTokens + tokens.CacheCreationInputTokens + tokens.CacheReadInputTokens;
            status = status with
            {
                InputTokens = status.InputTokens + input,
                OutputTokens = status.OutputTokens + tokens.OutputTokens,
                CostUsd = status.CostUsd + cost,
                UnpricedTokens = status.UnpricedTokens + (price is null ? input + tokens.OutputTokens : 0),
                Model = status.Model ?? model,
            };
            counters.Add(Count(status, at, Metric.InputTokens, tokens.InputTokens, answered));
            counters.Add(Count(status, at, Metric.OutputTokens, tokens.OutputTokens, answered));
            counters.Add(Count(status, at, Metric.CacheCreationTokens, tokens.CacheCreationInputTokens, answered));
            counters.Add(Count(status, at, Metric.CacheReadTokens, tokens.CacheReadInputTokens, answered));
            if (price is null)
                counters.Add(Count(status, at, Metric.UnpricedTokens, input + tokens.OutputTokens, answered));
            else
                counters.Add(Count(status, at, Metric.CostUsd, (double)cost, answered));
            status = status.Touched(at); // a reply is activity at its own time, not at the time it was stored (an import)
        }
        return status;
    }

    /// <summary>
    /// What imported transcripts say of their sessions: their times, project, model and counts. A session with nothing newer than its
    /// file's last line is over; it ended then. Each tells only what it tells, however often it comes: a batch is written again whole.
    /// </summary>
    public Task TranscriptsAsync(IReadOnlyList<TranscriptSummarized> transcripts, CancellationToken cancellationToken) =>
        UpdateAsync(transcripts.Where(t => !string.IsNullOrEmpty(t.SessionId)).GroupBy(t => t.SessionId),
            (status, group, _) => group.Aggregate(status, Summarized), cancellationToken);

    private static LiveStatus Summarized(LiveStatus status, TranscriptSummarized transcript)
    {
        var updated = status.Touched(transcript.FirstAt).Touched(transcript.LastAt) with
        {
            ProjectDir = status.ProjectDir ?? transcript.Cwd,
            User = status.User ?? transcript.ImportedBy,
            Model = status.Model ?? transcript.Model,
            // The hooks' counts where they reached the session, the file's where they missed some (or all) of it.
            Prompts = Math.Max(status.Prompts, transcript.Prompts),
            ToolCalls = Math.Max(status.ToolCalls, transcript.ToolCalls),
        };
        return updated.EndedAt is null && updated.LastActivityAt <= transcript.LastAt ? updated with { EndedAt = transcript.LastAt } : updated;
    }

    private Task UpdateOneAsync(string sessionId, Func<LiveStatus, List<Counter>, LiveStatus> change, CancellationToken cancellationToken) =>
        string.IsNullOrEmpty(sessionId) ? Task.CompletedTask
            : UpdateAsync([new[] { sessionId }.GroupBy(s => s).Single()], (status, _, counters) => change(status, counters), cancellationToken);

    private Task UpdateAsync<T>(IEnumerable<IGrouping<string, T>> groups, Func<LiveStatus, IGrouping<string, T>, List<Counter>, LiveStatus> change,
        CancellationToken cancellationToken, IReadOnlyList<Guid>? counting = null, HashSet<Guid>? fresh = null) =>
        WriteAsync([new PendingChange(groups.Select(g => (g.Key, (Func<LiveStatus, List<Counter>, LiveStatus>)((status, counters) => change(status, g, counters)))).ToList(),
            counting ?? [], fresh ?? [])], cancellationToken);

    /// <summary>
    /// Group commit: the changes join the queue; whoever holds the gate applies everything queued so far to the cached statuses and
    /// writes them and their counters in one store call. Each caller returns only once its own changes are written (failing with the
    /// first of them that failed).
    /// </summary>
    private async Task WriteAsync(IReadOnlyList<PendingChange> changes, CancellationToken cancellationToken)
    {
        var pending = changes.Where(p => p.Changes.Count > 0).ToList();
        if (pending.Count == 0)
            return;
        lock (_queue)
            _queue.AddRange(pending);
        try
        {
            await _gate.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            List<PendingChange> taken;
            lock (_queue)
                taken = pending.Where(p => !_queue.Remove(p)).ToList();
            await Task.WhenAll(taken.Select(p => p.Written.Task)); // a writer already took these
            if (taken.Count < pending.Count)
                throw;
            return;
        }
        try
        {
            if (pending.Any(p => !p.Written.Task.IsCompleted))
                await WriteQueuedAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
        await Task.WhenAll(pending.Select(p => p.Written.Task));
    }

    /// <summary>
    /// A session deleted for good: its live status goes, after the changes queued before it are written (so none writes it back). Its
    /// counts in the minutes and roll-ups stay: totals, with no content.
    /// </summary>
    public async Task ForgetAsync(string sessionId, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            bool queued;
            lock (_queue)
                queued = _queue.Count > 0;
            if (queued)
                await WriteQueuedAsync(cancellationToken);
            _cache.Remove(sessionId);
            await store.ForgetAsync(sessionId, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task WriteQueuedAsync(CancellationToken cancellationToken)
    {
        List<PendingChange> batch;
        lock (_queue)
        {
            batch = [.. _queue];
            _queue.Clear();
        }
        var changed = new Dictionary<string, LiveStatus>(StringComparer.Ordinal);
        var counters = new List<Counter>();
        var applied = new List<PendingChange>(batch.Count);
        try
        {
            // The hooks these changes count that were counted before (handed over again) count no more; nor one counted twice here.
            var counting = batch.SelectMany(p => p.Counting).ToList();
            var counted = counting.Count == 0 ? new HashSet<Guid>() : await store.CountedAsync(counting, cancellationToken);
            var countedHere = new HashSet<Guid>();
            foreach (var pending in batch)
            {
                pending.Fresh.Clear();
                pending.Fresh.UnionWith(pending.Counting.Where(id => !counted.Contains(id) && !countedHere.Contains(id)));
                // Each message's change stands alone: one that throws fails only its own message, not those written with it.
                var (mine, myCounters) = (new Dictionary<string, LiveStatus>(StringComparer.Ordinal), new List<Counter>());
                try
                {
                    foreach (var (sessionId, apply) in pending.Changes)
                    {
                        if (!mine.TryGetValue(sessionId, out var status) && !changed.TryGetValue(sessionId, out status) && !_cache.TryGetValue(sessionId, out status))
                            status = await store.GetAsync(sessionId, cancellationToken) ?? LiveStatus.Unseen(sessionId);
                        mine[sessionId] = apply(status, myCounters);
                    }
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    pending.Written.TrySetException(error);
                    continue;
                }
                foreach (var (sessionId, status) in mine)
                    changed[sessionId] = status;
                counters.AddRange(myCounters);
                countedHere.UnionWith(pending.Fresh);
                applied.Add(pending);
            }
            await store.SaveAsync(changed.Values, counters.GroupBy(c => (c.Minute, c.Project, c.User, c.Model, c.Metric))
                .Select(g => g.First() with { Value = g.Sum(c => c.Value) }).ToList(), time.GetUtcNow(), cancellationToken, applied.SelectMany(p => p.Fresh).ToList());
        }
        catch (Exception error)
        {
            foreach (var pending in batch)
                pending.Written.TrySetException(error);
            return;
        }
        if (_cache.Count + changed.Count > MaxCachedStatuses)
            _cache.Clear();
        foreach (var (sessionId, status) in changed)
            _cache[sessionId] = status;
        foreach (var pending in applied)
            pending.Written.TrySetResult();
    }

    /// <summary>
    /// A message's change to the statuses it names; the hooks it would count, and of them those it does (<see cref="Fresh"/>, set when it
    /// is written, and remembered with what it writes).
    /// </summary>
    private sealed record PendingChange(IReadOnlyList<(string SessionId, Func<LiveStatus, List<Counter>, LiveStatus> Apply)> Changes, IReadOnlyList<Guid> Counting,
        HashSet<Guid> Fresh)
    {
        public TaskCompletionSource Written { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private static Counter Count(LiveStatus status, DateTimeOffset at, string metric, double value, string? model = null) =>
        new(Counter.MinuteOf(at), status.ProjectDir ?? "", status.User ?? "", model ?? "", metric, value);
}
