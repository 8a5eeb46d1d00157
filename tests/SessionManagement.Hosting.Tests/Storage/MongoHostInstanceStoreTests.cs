using MongoDB.Driver;
using SessionManagement.Hosting.Instances;
using SessionManagement.Testing;

namespace SessionManagement.Hosting.Tests.Storage;

public sealed class MongoHostInstanceStoreTests(InfrastructureFixture infrastructure) : HostInstanceStoreContract
{
    private readonly string _databaseName = InfrastructureFixture.NewDatabaseName();
    private MongoClient? _client;

    protected override async Task<IHostInstanceStore> CreateStoreAsync()
    {
        var endpoint = await infrastructure.MongoAsync();
        TestContext.Current.TestOutputHelper?.WriteLine($"MongoDB endpoint: {endpoint.Description}");
        _client = new MongoClient(endpoint.Uri);
        var database = _client.GetDatabase(_databaseName);
        await new HostInstanceIndexes().CreateAsync(database, TestContext.Current.CancellationToken);
        return new MongoHostInstanceStore(database);
    }

    public override async ValueTask DisposeAsync()
    {
        if (_client is null)
            return;
        await _client.DropDatabaseAsync(_databaseName);
        _client.Dispose();
    }
}
