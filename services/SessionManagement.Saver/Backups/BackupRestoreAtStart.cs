using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionManagement.Contracts.Gateway;
using SessionManagement.Hosting.Bus;
using SessionManagement.Saver.Sessions;
using SessionManagement.Hosting.Options;
using SessionManagement.Contracts.Saver;
using SessionManagement.Saver.Storage;
using SessionManagement.Hosting.Security;

namespace SessionManagement.Saver.Backups;

/// <summary>
/// <c>--restore-backups=true</c>: at start, every session in the backup folder is restored from its newest intact backup — whole
/// when the store does not hold it (a store started again after it was damaged), or only the raw events the store lost when it
/// does (events stored since the backup are kept); and the audit trail from its files (<see cref="AuditBackups"/>). Once the bus runs,
/// the restored sessions' hooks are handed again to the modules that derive from them. The way back after a damaged database was
/// moved aside.
/// </summary>
internal sealed class BackupRestoreAtStart(
    IConfiguration configuration,
    BackupFolder folder,
    IBackupStore backups,
    ISessionStore store,
    ILogger<BackupRestoreAtStart> logger,
    AtRest atRest,
    AuditBackups audit,
    BusStarted busStarted,
    IBus bus,
    IOptions<BusOptions> busOptions) : IHostedService
{
    /// <summary>Hooks handed over together, as the embedded gateway hands over a burst.</summary>
    private const int Burst = 100;

    private readonly CancellationTokenSource _stopping = new();
    private Task _replaying = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!StorageOptions.RestoresBackups(configuration))
            return;
        int whole = 0, partly = 0, lost = 0, unreadable = 0;
        var restored = new List<string>();
        foreach (var sessionId in folder.NewestVersions().Keys)
        {
            var backup = await NewestIntactAsync(sessionId, cancellationToken);
            if (backup is null)
            {
                unreadable++;
                continue;
            }
            if (await store.GetAsync(sessionId, cancellationToken) is null)
            {
                await backups.RestoreAsync(backup, cancellationToken);
                restored.Add(sessionId);
                whole++;
                continue;
            }
            var stored = (await store.EventsAsync(sessionId, cancellationToken)).Select(e => e.EventId).ToHashSet();
            var missing = backup.Events.Where(e => !stored.Contains(e.EventId)).ToList();
            if (missing.Count == 0)
                continue;
            await store.SaveAsync(missing, cancellationToken);
            // Derived again from all its raw events now held (the store's own counts may have been damaged with them).
            if (await store.DeriveAsync(sessionId, cancellationToken) is { } derived && await store.GetAsync(sessionId, cancellationToken) is { } current)
                await store.ReplaceAsync(derived with { ParentSessionId = current.ParentSessionId ?? derived.ParentSessionId }, current.Version + 1, cancellationToken);
            (partly, lost) = (partly + 1, lost + missing.Count);
            restored.Add(sessionId);
        }
        // The trail of what was done before, then this restore's own entry after it.
        var (entries, damaged) = await audit.RestoreAsync(cancellationToken);
        logger.LogWarning("Audit: restored from the backups in {Folder}: {Whole} sessions whole, {Partly} sessions' {Lost} lost raw events; {Unreadable} sessions had no intact backup; " +
            "the audit trail's {Entries} entries ({Damaged} months' files damaged)", folder.Path, whole, partly, lost, unreadable, entries, damaged);
        await store.RecordAuditAsync([new AuditRecorded(Guid.CreateVersion7(), DateTimeOffset.UtcNow, "recovery", "system", Environment.MachineName, null,
            $"restored from the backups in {folder.Path} at start: {whole} sessions whole, {partly} sessions' {lost} lost raw events; {unreadable} sessions had no intact backup")],
            cancellationToken);
        if (restored.Count > 0)
            _replaying = ReplayAsync(restored, _stopping.Token);
    }

    /// <summary>
    /// Once the bus runs, the restored sessions' hooks go to the modules that count and keep them, as the gateway handed them over when
    /// they came: status counts prompts, tool calls and errors again at their times (its store went with the database), chat keeps the
    /// prompts and replies that only hooks carried, context its compaction summaries. Each module keeps a hook once, by its event id,
    /// so a hook it holds already changes nothing.
    /// </summary>
    private async Task ReplayAsync(IReadOnlyList<string> sessions, CancellationToken stopping)
    {
        try
        {
            await busStarted.WaitAsync(stopping);
            var inMemory = busOptions.Value.Transport == BusTransport.InMemory;
            long hooks = 0;
            foreach (var sessionId in sessions)
            {
                var events = (await store.EventsAsync(sessionId, stopping)).Select(Captured).ToList();
                foreach (var burst in events.Chunk(Burst))
                {
                    if (inMemory)
                    {
                        await bus.Publish(new HookEventsAccepted(burst), stopping);
                        if (burst.OfType<ConversationHookCaptured>().ToList() is { Count: > 0 } conversation)
                            await bus.Publish(new ConversationHooksAccepted(conversation), stopping);
                    }
                    else
                    {
                        foreach (var hook in burst)
                            await bus.Publish(hook, hook.GetType(), stopping);
                    }
                }
                hooks += events.Count;
            }
            logger.LogInformation("Handed the {Hooks} hooks of the {Sessions} restored sessions to the modules that count and keep them", hooks, sessions.Count);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception error)
        {
            logger.LogWarning(error, "Handing the restored sessions' hooks over failed: status does not count them again, nor chat keep the messages only hooks carried");
        }
    }

    /// <summary>A stored hook as the gateway captured it (its transcript path read from its JSON), a conversation hook as such.</summary>
    private static HookEventCaptured Captured(StoredEvent e)
    {
        string? transcriptPath = null;
        try
        {
            using var document = JsonDocument.Parse(e.RawJson);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("transcript_path", out var path)
                && path.ValueKind == JsonValueKind.String)
                transcriptPath = path.GetString();
        }
        catch (JsonException)
        {
        }
        return ConversationHookCaptured.Classify(new HookEventCaptured(e.EventId, e.SessionId, e.HookEventName, e.ReceivedAt, e.CaptureSequence, e.Host, e.User,
            e.Cwd, transcriptPath, e.RawJson, e.GitBranch));
    }

    private async Task<SessionBackup?> NewestIntactAsync(string sessionId, CancellationToken cancellationToken)
    {
        foreach (var info in folder.List(sessionId))
        {
            if (await folder.GetAsync(info.BackupId, cancellationToken) is { } found && BackupCodec.Decode(found.Body, found.Info.Checksum, atRest) is { } backup)
                return backup;
        }
        return null;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _replaying;
    }
}
