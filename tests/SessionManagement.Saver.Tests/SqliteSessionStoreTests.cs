using Microsoft.Extensions.Logging.Abstractions;
using SessionManagement.Hosting.Options;
using SessionManagement.Hosting.Storage.Sqlite;
using SessionManagement.Saver.Storage;
using SessionManagement.Testing;

namespace SessionManagement.Saver.Tests;

public sealed class SqliteSessionStoreTests : SessionStoreContract
{
    private readonly TempDirectory _directory = new();
    private SqliteDatabase? _database;

    protected override Task<ISessionStore> OpenAsync()
    {
        _database = new SqliteDatabase(Microsoft.Extensions.Options.Options.Create(new StorageOptions { DataDirectory = _directory.Path }),
            SaverSqliteSchema.All, NullLogger<SqliteDatabase>.Instance);
        return Task.FromResult<ISessionStore>(new SqliteSessionStore(_database, Microsoft.Extensions.Options.Options.Create(new PersistenceOptions())));
    }

    public override async ValueTask DisposeAsync()
    {
        if (_database is not null)
            await _database.DisposeAsync();
        _directory.Dispose();
    }
}
