using Microsoft.Extensions.Logging.Abstractions;
using SessionManagement.Chat.Storage;
using SessionManagement.Hosting.Options;
using SessionManagement.Hosting.Storage.Sqlite;
using SessionManagement.Testing;

namespace SessionManagement.Chat.Tests;

public sealed class SqliteChatStoreTests : ChatStoreContract
{
    private readonly TempDirectory _directory = new();
    private SqliteDatabase? _database;

    protected override Task<IChatStore> OpenAsync(bool compress)
    {
        _database ??= new SqliteDatabase(Microsoft.Extensions.Options.Options.Create(new StorageOptions { DataDirectory = _directory.Path }),
            [ChatSqliteSchema.V1], NullLogger<SqliteDatabase>.Instance);
        return Task.FromResult<IChatStore>(new SqliteChatStore(_database,
            Microsoft.Extensions.Options.Options.Create(new ChatManagementOptions { MessageCompression = compress })));
    }

    public override async ValueTask DisposeAsync()
    {
        if (_database is not null)
            await _database.DisposeAsync();
        _directory.Dispose();
    }
}
