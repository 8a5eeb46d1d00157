using MongoDB.Driver;
using SessionManagement.Hosting.Options;
using SessionManagement.Saver.Storage;
using SessionManagement.Testing;

namespace SessionManagement.Saver.Tests;

public sealed class MongoSessionStoreTests(InfrastructureFixture infrastructure) : SessionStoreContract
{
    private readonly string _databaseName = InfrastructureFixture.NewDatabaseName();
    private MongoClient? _client;

    protected override async Task<ISessionStore> OpenAsync()
    {
        var endpoint = await infrastructure.MongoAsync();
        _client = new MongoClient(endpoint.Uri);
        var database = _client.GetDatabase(_databaseName);
        await new SaverMongoCollections().CreateAsync(database, Cancel);
        return new MongoSessionStore(database, Microsoft.Extensions.Options.Options.Create(new PersistenceOptions()));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_client is null)
            return;
        await _client.DropDatabaseAsync(_databaseName);
        _client.Dispose();
    }
}
