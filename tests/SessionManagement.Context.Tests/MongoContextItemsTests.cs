using MongoDB.Bson;
using MongoDB.Driver;
using SessionManagement.Context.Storage;
using SessionManagement.Hosting.Options;
using SessionManagement.Hosting.Security;
using SessionManagement.Testing;

namespace SessionManagement.Context.Tests;

public class MongoContextItemsTests(InfrastructureFixture infrastructure) : ContextItemsContract
{
    /// <summary>In clear here, sealed in the subclass.</summary>
    protected override AtRest AtRest => AtRest.Off;

    private readonly string _databaseName = InfrastructureFixture.NewDatabaseName();
    private MongoClient? _client;

    protected override async Task<IContextStore> OpenAsync()
    {
        _client = new MongoClient((await infrastructure.MongoAsync()).Uri);
        var database = _client.GetDatabase(_databaseName);
        await new ContextMongoCollections().CreateAsync(database, Cancel);
        return new MongoContextStore(database, Microsoft.Extensions.Options.Options.Create(new PersistenceOptions()), AtRest);
    }

    protected override Task TamperAsync(string itemId) =>
        _client!.GetDatabase(_databaseName).GetCollection<BsonDocument>(ContextMongoCollections.Items).UpdateOneAsync(
            new BsonDocument("_id", itemId),
            new BsonDocument("$set", new BsonDocument { { "content", new BsonBinaryData(System.Text.Encoding.UTF8.GetBytes("tampered")) }, { "encoding", "utf8" } }),
            cancellationToken: Cancel);

    public override async ValueTask DisposeAsync()
    {
        if (_client is null)
            return;
        await _client.DropDatabaseAsync(_databaseName);
        _client.Dispose();
    }
}

/// <summary>The same contract with every write sealed under a key at rest.</summary>
public sealed class SealedMongoContextItemsTests(InfrastructureFixture infrastructure) : MongoContextItemsTests(infrastructure)
{
    protected override AtRest AtRest => TestKeys.Sealing();
}
