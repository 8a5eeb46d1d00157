using Microsoft.Extensions.Logging.Abstractions;
using SessionManagement.Context.Storage;
using SessionManagement.Hosting.Options;
using SessionManagement.Hosting.Security;
using SessionManagement.Hosting.Storage.Sqlite;
using SessionManagement.Testing;

namespace SessionManagement.Context.Tests;

public class SqliteContextItemsTests : ContextItemsContract
{
    /// <summary>In clear here, sealed in the subclass.</summary>
    protected override AtRest AtRest => AtRest.Off;

    private readonly TempDirectory _directory = new();
    private SqliteDatabase _database = null!;

    protected override Task<IContextStore> OpenAsync()
    {
        _database = new SqliteDatabase(Microsoft.Extensions.Options.Options.Create(new StorageOptions { DataDirectory = _directory.Path }),
            [ContextSqliteSchema.V1], NullLogger<SqliteDatabase>.Instance);
        return Task.FromResult<IContextStore>(new SqliteContextStore(_database,
            Microsoft.Extensions.Options.Options.Create(new PersistenceOptions { Compression = false }), AtRest));
    }

    protected override Task TamperAsync(string itemId) =>
        _database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "UPDATE context_items SET content = CAST('tampered' AS BLOB) WHERE item_id = $id";
            command.Bind("$id", itemId);
            return await command.ExecuteNonQueryAsync(Cancel);
        }, Cancel);

    public override async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        _directory.Dispose();
    }
}

/// <summary>The same contract with every write sealed under a key at rest.</summary>
public sealed class SealedSqliteContextItemsTests : SqliteContextItemsTests
{
    protected override AtRest AtRest => TestKeys.Sealing();
}
