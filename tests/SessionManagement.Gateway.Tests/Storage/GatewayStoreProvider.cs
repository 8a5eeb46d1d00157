using Microsoft.Extensions.Logging.Abstractions;
using MongoDB.Driver;
using SessionManagement.Gateway.Storage;
using SessionManagement.Hosting.Options;
using SessionManagement.Hosting.Storage.Sqlite;
using SessionManagement.Testing;

namespace SessionManagement.Gateway.Tests.Storage;

/// <summary>A fresh gateway store on one provider, for the contract tests.</summary>
internal sealed class GatewayStoreProvider : IAsyncDisposable
{
    private readonly TempDirectory? _directory;
    private readonly MongoClient? _client;
    private readonly string? _databaseName;

    private GatewayStoreProvider(SqliteDatabase sqlite, TempDirectory directory)
    {
        Sqlite = sqlite;
        _directory = directory;
    }

    private GatewayStoreProvider(IMongoDatabase mongo, MongoClient client, string databaseName)
    {
        Mongo = mongo;
        _client = client;
        _databaseName = databaseName;
    }

    public SqliteDatabase? Sqlite { get; }

    public IMongoDatabase? Mongo { get; }

    public static GatewayStoreProvider OpenSqlite()
    {
        var directory = new TempDirectory();
        var database = new SqliteDatabase(Microsoft.Extensions.Options.Options.Create(new StorageOptions { DataDirectory = directory.Path }),
            GatewaySqliteSchema.All, NullLogger<SqliteDatabase>.Instance);
        return new GatewayStoreProvider(database, directory);
    }

    public static async Task<GatewayStoreProvider> OpenMongoAsync(InfrastructureFixture infrastructure)
    {
        var endpoint = await infrastructure.MongoAsync();
        var client = new MongoClient(endpoint.Uri);
        var name = InfrastructureFixture.NewDatabaseName();
        var database = client.GetDatabase(name);
        await new GatewayMongoCollections().CreateAsync(database, TestContext.Current.CancellationToken);
        return new GatewayStoreProvider(database, client, name);
    }

    public async ValueTask DisposeAsync()
    {
        if (Sqlite is not null)
            await Sqlite.DisposeAsync();
        _directory?.Dispose();
        if (_client is not null)
        {
            await _client.DropDatabaseAsync(_databaseName);
            _client.Dispose();
        }
    }
}
