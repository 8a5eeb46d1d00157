using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using SessionManagement.Hosting.Options;
using SessionManagement.Hosting.Storage.Sqlite;
using SessionManagement.Status.Storage;
using SessionManagement.Testing;

namespace SessionManagement.Status.Tests;

public sealed class SqliteStatusTests : StatusContract
{
    private readonly TempDirectory _directory = new();
    private SqliteDatabase _database = null!;

    protected override Task<IStatusStore> OpenAsync()
    {
        _database = new SqliteDatabase(Microsoft.Extensions.Options.Options.Create(new StorageOptions { DataDirectory = _directory.Path }),
            StatusSqliteSchema.All, NullLogger<SqliteDatabase>.Instance);
        return Task.FromResult<IStatusStore>(new SqliteStatusStore(_database));
    }

    [Fact]
    public async Task When_a_store_of_the_first_schema_is_opened_Should_keep_its_counts_and_count_per_model_from_then_on()
    {
        using var directory = new TempDirectory();
        var storage = Microsoft.Extensions.Options.Options.Create(new StorageOptions { DataDirectory = directory.Path });
        var hour = new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
        await using (var before = new SqliteDatabase(storage, [StatusSqliteSchema.V1], NullLogger<SqliteDatabase>.Instance))
            await before.WriteAsync(async (connection, transaction) =>
            {
                await using var insert = connection.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = """
                    INSERT INTO status_counters VALUES ('2026-11-24T09:05:00.0000000Z', '/work/p', 'dev', 'output_tokens', 120);
                    INSERT INTO status_rollups VALUES ('hour', '2026-11-24T09:00:00.0000000Z', '/work/p', 'dev', 'output_tokens', 120);
                    """;
                return await insert.ExecuteNonQueryAsync(Cancel);
            }, Cancel);
        SqliteConnection.ClearAllPools();

        await using var after = new SqliteDatabase(storage, StatusSqliteSchema.All, NullLogger<SqliteDatabase>.Instance);
        await AssertKeptBesideCountsPerModelAsync(new SqliteStatusStore(after), hour);
    }

    public override async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        _directory.Dispose();
    }
}
