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
            [StatusSqliteSchema.V1], NullLogger<SqliteDatabase>.Instance);
        return Task.FromResult<IStatusStore>(new SqliteStatusStore(_database));
    }

    public override async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        _directory.Dispose();
    }
}
