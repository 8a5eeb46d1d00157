using Microsoft.Extensions.Logging.Abstractions;
using SessionManagement.Hosting.Options;
using SessionManagement.Hosting.Security;
using SessionManagement.Hosting.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using SessionManagement.Saver.Backups;
using SessionManagement.Saver.Storage;
using SessionManagement.Testing;

namespace SessionManagement.Saver.Tests;

public class SqliteSessionStoreTests : SessionStoreContract
{
    /// <summary>How the store keeps content at rest: in clear here, sealed in the subclass.</summary>
    protected virtual AtRest AtRest => AtRest.Off;

    private readonly TempDirectory _directory = new();
    private SqliteDatabase? _database;

    protected override Task<ISessionStore> OpenAsync()
    {
        _database = new SqliteDatabase(Microsoft.Extensions.Options.Options.Create(new StorageOptions { DataDirectory = _directory.Path }),
            SaverSqliteSchema.All, NullLogger<SqliteDatabase>.Instance);
        return Task.FromResult<ISessionStore>(new SqliteSessionStore(_database, Microsoft.Extensions.Options.Options.Create(new PersistenceOptions()), AtRest));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_database is not null)
            await _database.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task When_an_earlier_version_kept_backups_in_the_database_Should_move_them_out_to_files_intact()
    {
        var s = new SessionEvents(SessionEvents.NewId());
        await Store.SaveAsync([s.Next("SessionStart", source: "startup"), s.Next("UserPromptSubmit")], Cancel);
        var (body, checksum) = BackupCodec.Encode((await ((ISessionBackupSource)Store).ReadSessionAsync(s.SessionId, Cancel))!, AtRest);
        var backupId = Guid.CreateVersion7();
        await using (var connection = new SqliteConnection($"Data Source={_database!.Path};Pooling=False"))
        {
            await connection.OpenAsync(Cancel);
            await using var insert = connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO saver_backups (backup_id, session_id, version, created_at, size_bytes, checksum, body)
                VALUES ($id, $session, 1, '2026-06-01T00:00:00.0000000Z', $size, $checksum, $body)
                """;
            insert.Parameters.AddWithValue("$id", backupId.ToString());
            insert.Parameters.AddWithValue("$session", s.SessionId);
            insert.Parameters.AddWithValue("$size", body.Length);
            insert.Parameters.AddWithValue("$checksum", checksum);
            insert.Parameters.AddWithValue("$body", body);
            await insert.ExecuteNonQueryAsync(Cancel);
        }
        using var folder = new TempDirectory();
        var move = new LegacyBackupMove((ILegacyBackups)Store, new BackupFolder(folder.Path), NullLogger<LegacyBackupMove>.Instance);

        await move.StartAsync(Cancel);
        await move.ExecuteTask!;

        var file = Assert.Single(Directory.GetFiles(folder.Path, "*.backup", SearchOption.AllDirectories));
        var bytes = await File.ReadAllBytesAsync(file, Cancel);
        Assert.Equal(body, bytes[(Array.IndexOf(bytes, (byte)'\n') + 1)..]);
        Assert.Contains(backupId.ToString("N"), file, StringComparison.Ordinal);
        await using var check = new SqliteConnection($"Data Source={_database.Path};Mode=ReadOnly;Pooling=False");
        await check.OpenAsync(Cancel);
        await using var count = check.CreateCommand();
        count.CommandText = "SELECT count(*) FROM saver_backups";
        Assert.Equal(0L, (long)(await count.ExecuteScalarAsync(Cancel))!);
    }
}

/// <summary>The same contract with every write sealed under a key at rest.</summary>
public sealed class SealedSqliteSessionStoreTests : SqliteSessionStoreTests
{
    protected override AtRest AtRest => TestKeys.Sealing();
}
