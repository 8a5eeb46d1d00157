using Microsoft.Extensions.Logging.Abstractions;
using SessionManagement.Hosting.Instances;
using SessionManagement.Hosting.Storage.Sqlite;
using SessionManagement.Testing;

namespace SessionManagement.Hosting.Tests.Storage;

public sealed class SqliteHostInstanceStoreTests : HostInstanceStoreContract
{
    private readonly TempDirectory _directory = new();
    private SqliteDatabase? _database;

    protected override Task<IHostInstanceStore> CreateStoreAsync()
    {
        _database = SqliteTestDatabase.Open(_directory, SqliteHostInstanceStore.Schema);
        return Task.FromResult<IHostInstanceStore>(new SqliteHostInstanceStore(_database));
    }

    public override async ValueTask DisposeAsync()
    {
        if (_database is not null)
            await _database.DisposeAsync();
        _directory.Dispose();
    }
}
