using MongoDB.Driver;
using SessionManagement.Hosting.Options;
using SessionManagement.Hosting.Security;
using SessionManagement.Saver.Storage;
using SessionManagement.Testing;

namespace SessionManagement.Saver.Tests;

public class MongoSessionStoreTests(InfrastructureFixture infrastructure) : SessionStoreContract
{
    /// <summary>How the store keeps content at rest: in clear here, sealed in the subclass.</summary>
    protected virtual AtRest AtRest => AtRest.Off;

    private readonly string _databaseName = InfrastructureFixture.NewDatabaseName();
    private MongoClient? _client;

    protected override async Task<ISessionStore> OpenAsync()
    {
        var endpoint = await infrastructure.MongoAsync();
        _client = new MongoClient(endpoint.Uri);
        var database = _client.GetDatabase(_databaseName);
        await new SaverMongoCollections().CreateAsync(database, Cancel);
        return new MongoSessionStore(database, Microsoft.Extensions.Options.Options.Create(new PersistenceOptions()), AtRest);
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

/// <summary>The same contract with every write sealed under a key at rest.</summary>
public sealed class SealedMongoSessionStoreTests(InfrastructureFixture infrastructure) : MongoSessionStoreTests(infrastructure)
{
    protected override AtRest AtRest => TestKeys.Sealing();
}
