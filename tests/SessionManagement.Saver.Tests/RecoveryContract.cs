using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using SessionManagement.Contracts.Saver;
using SessionManagement.Hosting.Options;
using SessionManagement.Saver.Recovery;
using SessionManagement.Saver.Sessions;
using SessionManagement.Saver.Storage;
using SessionManagement.Hosting.Security;

namespace SessionManagement.Saver.Tests;

/// <summary>Validation, recovery and migration on load, the same on both stores; each store says how to damage or age its own rows.</summary>
public abstract class RecoveryContract : IAsyncLifetime
{
    private ServiceProvider _bus = null!;

    protected ISessionStore Store { get; private set; } = null!;

    protected ITestHarness Harness { get; private set; } = null!;

    protected static CancellationToken Cancel => TestContext.Current.CancellationToken;

    protected abstract Task<ISessionStore> OpenAsync();

    /// <summary>Changes a stored counter behind the checksum's back.</summary>
    protected abstract Task TamperAsync(string sessionId);

    /// <summary>Rewrites the session as a schema 1 document (no subagent or notification counts, the schema 1 checksum).</summary>
    protected abstract Task WriteAsSchemaOneAsync(SessionState state);

    protected abstract Task DeleteEventsAsync(string sessionId);

    public virtual async ValueTask InitializeAsync()
    {
        Store = await OpenAsync();
        _bus = new ServiceCollection().AddMassTransitTestHarness().BuildServiceProvider(true);
        Harness = _bus.GetRequiredService<ITestHarness>();
        await Harness.Start();
    }

    public virtual async ValueTask DisposeAsync()
    {
        await _bus.DisposeAsync();
        _backupFolder.Dispose();
    }

    private readonly SessionManagement.Testing.TempDirectory _backupFolder = new();

    /// <summary>Backups of <see cref="Store"/>'s sessions, as files in a folder of this test's own.</summary>
    private SessionManagement.Saver.Backups.IBackupStore BackupStore => new SessionManagement.Saver.Backups.FileBackupStore(
        (SessionManagement.Saver.Backups.ISessionBackupSource)Store, new SessionManagement.Saver.Backups.BackupFolder(_backupFolder.Path));

    private SessionRecovery Recovery(bool autoRestore = true) => new(Store, BackupStore,
        Microsoft.Extensions.Options.Options.Create(new RecoveryOptions { AutoRestore = autoRestore }), TimeProvider.System, NullLogger<SessionRecovery>.Instance, AtRest.Off);

    private async Task<(SessionEvents Session, SessionState State)> StoredAsync()
    {
        var s = new SessionEvents(SessionEvents.NewId());
        await Store.SaveAsync([s.Next("SessionStart", source: "startup"), s.Next("UserPromptSubmit"), s.Next("SubagentStop"), s.Next("Notification")], Cancel);
        return (s, (await Store.GetAsync(s.SessionId, Cancel))!);
    }

    private async Task<string> RecoveredHowAsync(string sessionId)
    {
        Assert.True(await Harness.Published.Any<SessionCorrupted>(x => x.Context.Message.SessionId == sessionId, Cancel));
        Assert.True(await Harness.Published.Any<SessionRecovered>(x => x.Context.Message.SessionId == sessionId, Cancel));
        return Harness.Published.Select<SessionRecovered>(x => x.Context.Message.SessionId == sessionId, Cancel).Single().Context.Message.Method;
    }

    [Fact]
    public async Task When_a_corrupted_session_has_a_snapshot_of_all_its_events_Should_restore_it_from_the_snapshot()
    {
        var (s, good) = await StoredAsync();
        await Store.SnapshotAsync([s.SessionId], DateTimeOffset.UtcNow, Cancel);
        await TamperAsync(s.SessionId);

        var loaded = await Recovery().LoadAsync(s.SessionId, Harness.Bus, Cancel);

        Assert.Equal("backup", await RecoveredHowAsync(s.SessionId));
        Assert.True(SessionDerivation.IsIntact(loaded!));
        Assert.Equal((good.Prompts, good.EventCount), (loaded!.Prompts, loaded.EventCount));
        Assert.Equal(loaded, await Store.GetAsync(s.SessionId, Cancel));
    }

    [Fact]
    public async Task When_the_snapshot_is_older_than_the_events_Should_reconstruct_the_session_from_its_events()
    {
        var (s, _) = await StoredAsync();
        await Store.SnapshotAsync([s.SessionId], DateTimeOffset.UtcNow, Cancel);
        await Store.SaveAsync([s.Next("UserPromptSubmit")], Cancel);
        await TamperAsync(s.SessionId);

        var loaded = await Recovery().LoadAsync(s.SessionId, Harness.Bus, Cancel);

        Assert.Equal("reconstructed", await RecoveredHowAsync(s.SessionId));
        Assert.Equal((2L, 5L), (loaded!.Prompts, loaded.EventCount));
        Assert.True(SessionDerivation.IsIntact(loaded));
    }

    [Fact]
    public async Task When_the_events_are_gone_too_Should_salvage_what_the_snapshot_holds()
    {
        var (s, good) = await StoredAsync();
        await Store.SnapshotAsync([s.SessionId], DateTimeOffset.UtcNow, Cancel);
        await TamperAsync(s.SessionId);
        await DeleteEventsAsync(s.SessionId);

        var loaded = await Recovery().LoadAsync(s.SessionId, Harness.Bus, Cancel);

        Assert.Equal("partial", await RecoveredHowAsync(s.SessionId));
        Assert.Equal(good.Prompts, loaded!.Prompts);
    }

    [Fact]
    public async Task When_raw_events_are_lost_Should_put_them_back_from_the_newest_backup_that_holds_them()
    {
        var s = new SessionEvents(SessionEvents.NewId());
        List<StoredEvent> sent = [s.Next("SessionStart", source: "startup"), s.Next("UserPromptSubmit"), s.Next("PreToolUse"), s.Next("PostToolUse")];
        await Store.SaveAsync(sent, Cancel);
        await Store.SnapshotAsync([s.SessionId], DateTimeOffset.UtcNow, Cancel);
        var backups = new SessionManagement.Saver.Backups.SessionBackups(BackupStore,
            Microsoft.Extensions.Options.Options.Create(new PersistenceOptions()), TimeProvider.System, NullLogger<SessionManagement.Saver.Backups.SessionBackups>.Instance, AtRest.Off);
        Assert.IsType<BackupCompleted>(await backups.BackUpAsync(Guid.NewGuid(), s.SessionId, Cancel));
        await TamperAsync(s.SessionId);
        await DeleteEventsAsync(s.SessionId);

        var loaded = await Recovery().LoadAsync(s.SessionId, Harness.Bus, Cancel);

        Assert.Equal("backup", await RecoveredHowAsync(s.SessionId));
        Assert.Equal((1L, 4L), (loaded!.Prompts, loaded.EventCount));
        Assert.True(SessionDerivation.IsIntact(loaded));
        var back = await Store.EventsAsync(s.SessionId, Cancel);
        Assert.Equal(sent.Select(e => (e.EventId, e.RawJson)), back.Select(e => (e.EventId, e.RawJson)));
    }

    [Fact]
    public async Task When_auto_restore_is_off_Should_report_the_corruption_and_change_nothing()
    {
        var (s, _) = await StoredAsync();
        await TamperAsync(s.SessionId);
        var damaged = await Store.GetAsync(s.SessionId, Cancel);

        var loaded = await Recovery(autoRestore: false).LoadAsync(s.SessionId, Harness.Bus, Cancel);

        Assert.True(await Harness.Published.Any<SessionCorrupted>(x => x.Context.Message.SessionId == s.SessionId, Cancel));
        Assert.Equal(damaged, loaded);
        Assert.False(SessionDerivation.IsIntact(loaded!));
    }

    [Fact]
    public async Task When_a_schema_1_session_is_loaded_Should_migrate_it_to_schema_2()
    {
        var (s, current) = await StoredAsync();
        var schemaOne = SessionDerivation.Seal(current with { SchemaVersion = 1, Subagents = 0, Notifications = 0 });
        await WriteAsSchemaOneAsync(schemaOne);

        var loaded = await Recovery().LoadAsync(s.SessionId, Harness.Bus, Cancel);

        Assert.Equal((SessionState.CurrentSchemaVersion, 1L, 1L, schemaOne.Version + 1), (loaded!.SchemaVersion, loaded.Subagents, loaded.Notifications, loaded.Version));
        Assert.True(SessionDerivation.IsIntact(loaded));
        Assert.Equal(loaded, await Store.GetAsync(s.SessionId, Cancel));
        Assert.False(await Harness.Published.Any<SessionCorrupted>(x => x.Context.Message.SessionId == s.SessionId, Cancel));
    }
}
