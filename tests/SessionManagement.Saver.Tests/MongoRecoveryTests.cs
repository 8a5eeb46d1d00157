using MongoDB.Bson;
using MongoDB.Driver;
using SessionManagement.Hosting.Options;
using SessionManagement.Saver.Sessions;
using SessionManagement.Saver.Storage;
using SessionManagement.Testing;
using SessionManagement.Hosting.Security;

namespace SessionManagement.Saver.Tests;

public sealed class MongoRecoveryTests(InfrastructureFixture infrastructure) : RecoveryContract
{
    private readonly string _databaseName = InfrastructureFixture.NewDatabaseName();
    private MongoClient? _client;

    private IMongoCollection<BsonDocument> Sessions => _client!.GetDatabase(_databaseName).GetCollection<BsonDocument>(SaverMongoCollections.Sessions);

    protected override async Task<ISessionStore> OpenAsync()
    {
        _client = new MongoClient((await infrastructure.MongoAsync()).Uri);
        var database = _client.GetDatabase(_databaseName);
        await new SaverMongoCollections().CreateAsync(database, Cancel);
        return new MongoSessionStore(database, Microsoft.Extensions.Options.Options.Create(new PersistenceOptions()), AtRest.Off);
    }

    protected override Task TamperAsync(string sessionId) =>
        Sessions.UpdateOneAsync(new BsonDocument("_id", sessionId), new BsonDocument("$inc", new BsonDocument("prompts", 40L)), cancellationToken: Cancel);

    protected override async Task WriteAsSchemaOneAsync(SessionState state)
    {
        // A document written before schema 2: the two counters are not there at all.
        var document = state.ToBsonDocument();
        document.Remove("subagents");
        document.Remove("notifications");
        await Sessions.ReplaceOneAsync(new BsonDocument("_id", state.SessionId), document, cancellationToken: Cancel);
    }

    protected override Task DeleteEventsAsync(string sessionId) =>
        _client!.GetDatabase(_databaseName).GetCollection<BsonDocument>(SaverMongoCollections.Events)
            .DeleteManyAsync(new BsonDocument("sessionId", sessionId), Cancel);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_client is null)
            return;
        await _client.DropDatabaseAsync(_databaseName);
        _client.Dispose();
    }
}
