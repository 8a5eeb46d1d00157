using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionManagement.Contracts.Saver;
using SessionManagement.Hosting.Options;
using SessionManagement.Saver.Backups;
using SessionManagement.Saver.Sessions;
using SessionManagement.Saver.Storage;
using SessionManagement.Hosting.Security;

namespace SessionManagement.Saver.Recovery;

/// <summary>
/// Every load of a session goes through here (the seed's <c>recovery</c> section). A state that fails its checksum is
/// corrupted: <c>SessionCorrupted</c> is announced, then, with <c>auto_restore</c>: raw events the store lost are put back from
/// the newest backup that holds them and the state is derived again from all of them ("backup"); else the newest good snapshot
/// is restored if it holds every stored event ("backup"); otherwise the state is derived again from the raw events
/// ("reconstructed"); with no events left, an older snapshot is what can be salvaged ("partial", with <c>partial_recovery</c>).
/// <c>SessionRecovered</c> says which. An intact state of an older schema is migrated forward and written back.
/// </summary>
public sealed class SessionRecovery(ISessionStore store, IBackupStore backups, IOptions<RecoveryOptions> options, TimeProvider time,
    ILogger<SessionRecovery> logger, AtRest atRest)
{
    public async Task<SessionState?> LoadAsync(string sessionId, IPublishEndpoint publish, CancellationToken cancellationToken)
    {
        var state = await store.GetAsync(sessionId, cancellationToken);
        return state is null ? null : await CheckAsync(state, publish, cancellationToken);
    }

    public async Task<SessionState> CheckAsync(SessionState state, IPublishEndpoint publish, CancellationToken cancellationToken)
    {
        if (state.SchemaVersion > SessionState.CurrentSchemaVersion)
        {
            logger.LogWarning("Session {SessionId} has schema {Version}, newer than this saver's {Current}: served as stored",
                state.SessionId, state.SchemaVersion, SessionState.CurrentSchemaVersion);
            return state;
        }
        if (!options.Value.VerifyChecksums || SessionDerivation.IsIntact(state))
            return state.SchemaVersion < SessionState.CurrentSchemaVersion ? await MigrateAsync(state, cancellationToken) : state;

        var detail = $"stored state (version {state.Version}, schema {state.SchemaVersion}) does not match its checksum";
        logger.LogError("Session {SessionId} is corrupted: {Detail}", state.SessionId, detail);
        await publish.Publish(new SessionCorrupted(state.SessionId, detail, time.GetUtcNow()), cancellationToken);
        if (!options.Value.AutoRestore)
            return state;
        return await RecoverAsync(state, publish, cancellationToken) ?? state;
    }

    private async Task<SessionState> MigrateAsync(SessionState state, CancellationToken cancellationToken)
    {
        // Every field of a newer schema is derived from the events, so migrating is deriving again at the current schema.
        var derived = await store.DeriveAsync(state.SessionId, cancellationToken);
        if (derived is null)
            return state;
        var migrated = await store.ReplaceAsync(derived with { ParentSessionId = state.ParentSessionId ?? derived.ParentSessionId }, state.Version + 1, cancellationToken);
        logger.LogInformation("Session {SessionId} migrated from schema {From} to {To}", state.SessionId, state.SchemaVersion, migrated.SchemaVersion);
        return migrated;
    }

    /// <summary>Puts back from the newest intact backup the raw events it holds and the store no longer does; null when none were lost.</summary>
    private async Task<(int Lost, Guid BackupId, DateTimeOffset TakenAt)?> RestoreLostEventsAsync(string sessionId, CancellationToken cancellationToken)
    {
        foreach (var info in await backups.ListAsync(sessionId, cancellationToken))
        {
            if (await backups.GetAsync(info.BackupId, cancellationToken) is not { } found || BackupCodec.Decode(found.Body, found.Info.Checksum, atRest) is not { } backup)
                continue; // a damaged backup: try the one before it
            var stored = (await store.EventsAsync(sessionId, cancellationToken)).Select(e => e.EventId).ToHashSet();
            var lost = backup.Events.Where(e => !stored.Contains(e.EventId)).ToList();
            if (lost.Count == 0)
                return null;
            await store.SaveAsync(lost, cancellationToken);
            return (lost.Count, info.BackupId, info.CreatedAt);
        }
        return null;
    }

    private async Task<SessionState?> RecoverAsync(SessionState damaged, IPublishEndpoint publish, CancellationToken cancellationToken)
    {
        var snapshot = await store.GetSnapshotAsync(damaged.SessionId, cancellationToken);
        var events = await store.EventCountAsync(damaged.SessionId, cancellationToken);
        var version = Math.Max(damaged.Version, snapshot?.Version ?? 0) + 1;
        SessionState recovered;
        string method, detail;
        if (await RestoreLostEventsAsync(damaged.SessionId, cancellationToken) is { } restored)
        {
            var derived = (await store.DeriveAsync(damaged.SessionId, cancellationToken))!;
            recovered = await store.ReplaceAsync(derived with { ParentSessionId = snapshot?.State.ParentSessionId ?? derived.ParentSessionId }, version, cancellationToken);
            (method, detail) = ("backup", $"put back {restored.Lost} raw events the store had lost from backup {restored.BackupId} " +
                $"(taken {restored.TakenAt:u}), then derived again from all {derived.EventCount}");
        }
        else if (snapshot is not null && events > 0 && snapshot.State.EventCount == events)
        {
            recovered = await store.ReplaceAsync(snapshot.State, version, cancellationToken);
            (method, detail) = ("backup", $"restored the snapshot taken {snapshot.TakenAt:u}, which holds all {events} events");
        }
        else if (await store.DeriveAsync(damaged.SessionId, cancellationToken) is { } derived)
        {
            recovered = await store.ReplaceAsync(derived with { ParentSessionId = snapshot?.State.ParentSessionId ?? derived.ParentSessionId }, version, cancellationToken);
            (method, detail) = ("reconstructed", $"derived again from its {events} raw events"
                + (snapshot is null ? "; there was no good snapshot" : $"; the snapshot held {snapshot.State.EventCount}"));
        }
        else if (snapshot is not null && options.Value.PartialRecovery)
        {
            recovered = await store.ReplaceAsync(snapshot.State, version, cancellationToken);
            (method, detail) = ("partial", $"no raw events left; restored the snapshot taken {snapshot.TakenAt:u} ({snapshot.State.EventCount} events)");
        }
        else
        {
            logger.LogError("Session {SessionId} could not be recovered: no good snapshot and no raw events", damaged.SessionId);
            return null;
        }
        logger.LogWarning("Session {SessionId} recovered ({Method}): {Detail}", damaged.SessionId, method, detail);
        await publish.Publish(new SessionRecovered(damaged.SessionId, method, detail, time.GetUtcNow()), cancellationToken);
        await publish.Publish(new AuditRecorded(Guid.CreateVersion7(), time.GetUtcNow(), "recovery", "system", Environment.MachineName, damaged.SessionId,
            $"{method}: {detail}"), cancellationToken);
        return recovered;
    }
}
