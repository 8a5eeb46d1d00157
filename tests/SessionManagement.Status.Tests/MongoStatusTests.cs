using MongoDB.Driver;
using SessionManagement.Status.Storage;
using SessionManagement.Testing;

namespace SessionManagement.Status.Tests;

public sealed class MongoStatusTests(InfrastructureFixture infrastructure) : StatusContract
{
    private readonly string _databaseName = InfrastructureFixture.NewDatabaseName();
    private MongoClient? _client;

    protected override async Task<IStatusStore> OpenAsync()
    {
        _client = new MongoClient((await infrastructure.MongoAsync()).Uri);
        var database = _client.GetDatabase(_databaseName);
        await new StatusMongoCollections().CreateAsync(database, Cancel);
        return new MongoStatusStore(database);
    }

    public override async ValueTask DisposeAsync()
    {
        if (_client is null)
            return;
        await _client.DropDatabaseAsync(_databaseName);
        _client.Dispose();
    }
}
