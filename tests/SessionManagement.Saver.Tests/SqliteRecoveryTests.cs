using Microsoft.Extensions.Logging.Abstractions;
using SessionManagement.Hosting.Options;
using SessionManagement.Hosting.Storage.Sqlite;
using SessionManagement.Saver.Sessions;
using SessionManagement.Saver.Storage;
using SessionManagement.Testing;
using SessionManagement.Hosting.Security;

namespace SessionManagement.Saver.Tests;

public sealed class SqliteRecoveryTests : RecoveryContract
{
    private readonly TempDirectory _directory = new();
    private SqliteDatabase _database = null!;

    protected override Task<ISessionStore> OpenAsync()
    {
        _database = new SqliteDatabase(Microsoft.Extensions.Options.Options.Create(new StorageOptions { DataDirectory = _directory.Path }),
            SaverSqliteSchema.All, NullLogger<SqliteDatabase>.Instance);
        return Task.FromResult<ISessionStore>(new SqliteSessionStore(_database, Microsoft.Extensions.Options.Options.Create(new PersistenceOptions()), AtRest.Off));
    }

    private Task ExecuteAsync(string sql, params (string Name, object? Value)[] values) =>
        _database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            foreach (var (name, value) in values)
                command.Bind(name, value);
            return await command.ExecuteNonQueryAsync(Cancel);
        }, Cancel);

    protected override Task TamperAsync(string sessionId) =>
        ExecuteAsync("UPDATE saver_sessions SET prompts = prompts + 40 WHERE session_id = $id", ("$id", sessionId));

    protected override Task WriteAsSchemaOneAsync(SessionState state) =>
        ExecuteAsync("UPDATE saver_sessions SET schema_version = 1, subagents = 0, notifications = 0, checksum = $checksum WHERE session_id = $id",
            ("$id", state.SessionId), ("$checksum", state.Checksum));

    protected override Task DeleteEventsAsync(string sessionId) =>
        ExecuteAsync("DELETE FROM saver_events WHERE session_id = $id; DELETE FROM saver_tallies WHERE session_id = $id", ("$id", sessionId));

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _database.DisposeAsync();
        _directory.Dispose();
    }
}
