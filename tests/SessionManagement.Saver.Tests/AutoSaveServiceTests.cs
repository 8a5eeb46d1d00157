using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SessionManagement.Hosting.Options;
using SessionManagement.Hosting.Storage.Sqlite;
using SessionManagement.Saver.Snapshots;
using SessionManagement.Saver.Storage;
using SessionManagement.Testing;
using SessionManagement.Hosting.Security;

namespace SessionManagement.Saver.Tests;

public sealed class AutoSaveServiceTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static SqliteDatabase Database(TempDirectory directory) =>
        new(Microsoft.Extensions.Options.Options.Create(new StorageOptions { DataDirectory = directory.Path }),
            SaverSqliteSchema.All, NullLogger<SqliteDatabase>.Instance);

    [Fact]
    public async Task When_the_save_interval_passes_Should_snapshot_the_changed_sessions()
    {
        using var directory = new TempDirectory();
        await using var database = Database(directory);
        var persistence = Microsoft.Extensions.Options.Options.Create(new PersistenceOptions { SaveInterval = 30 });
        var store = new SqliteSessionStore(database, persistence, AtRest.Off);
        var s = new SessionEvents(SessionEvents.NewId());
        await store.SaveAsync([s.Next("SessionStart", source: "startup")], Cancel);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
        using var service = new AutoSaveService(store, persistence, clock, NullLogger<AutoSaveService>.Instance);
        await service.StartAsync(Cancel);

        Assert.Null(await store.GetSnapshotAsync(s.SessionId, Cancel));
        clock.Advance(TimeSpan.FromSeconds(30));

        var snapshot = await Eventually.ReturnsAsync(() => store.GetSnapshotAsync(s.SessionId, Cancel), taken => taken is not null,
            TimeSpan.FromSeconds(10), "the auto-save's snapshot");
        Assert.Equal(clock.GetUtcNow(), snapshot!.TakenAt);
        await service.StopAsync(Cancel);
    }

    [Fact]
    public async Task When_auto_save_is_off_Should_write_no_snapshot_however_long_it_waits()
    {
        using var directory = new TempDirectory();
        await using var database = Database(directory);
        var persistence = Microsoft.Extensions.Options.Options.Create(new PersistenceOptions { AutoSave = false, SaveInterval = 30 });
        var store = new SqliteSessionStore(database, persistence, AtRest.Off);
        var s = new SessionEvents(SessionEvents.NewId());
        await store.SaveAsync([s.Next("SessionStart", source: "startup")], Cancel);
        var clock = new FakeTimeProvider();
        using var service = new AutoSaveService(store, persistence, clock, NullLogger<AutoSaveService>.Instance);

        await service.StartAsync(Cancel);
        await service.ExecuteTask!;
        clock.Advance(TimeSpan.FromHours(1));

        Assert.True(service.ExecuteTask.IsCompletedSuccessfully);
        Assert.Null(await store.GetSnapshotAsync(s.SessionId, Cancel));
    }

    [Fact]
    public async Task When_a_snapshot_is_damaged_Should_not_be_trusted()
    {
        using var directory = new TempDirectory();
        await using var database = Database(directory);
        var store = new SqliteSessionStore(database, Microsoft.Extensions.Options.Options.Create(new PersistenceOptions { Compression = false }), AtRest.Off);
        var s = new SessionEvents(SessionEvents.NewId());
        await store.SaveAsync([s.Next("SessionStart", source: "startup")], Cancel);
        await store.SnapshotAsync(null, DateTimeOffset.UtcNow, Cancel);

        await database.WriteAsync(async (connection, transaction) =>
        {
            await using var damage = connection.CreateCommand();
            damage.Transaction = transaction;
            damage.CommandText = "UPDATE saver_snapshots SET body = CAST(replace(CAST(body AS TEXT), 'startup', 'stortup') AS BLOB) WHERE session_id = $session";
            damage.Parameters.AddWithValue("$session", s.SessionId);
            return await damage.ExecuteNonQueryAsync(Cancel);
        }, Cancel);

        Assert.Null(await store.GetSnapshotAsync(s.SessionId, Cancel));
    }
}
