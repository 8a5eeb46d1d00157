using MongoDB.Bson;
using MongoDB.Driver;
using SessionManagement.Status.Storage;
using SessionManagement.Testing;

namespace SessionManagement.Status.Tests;

public sealed class MongoStatusTests(InfrastructureFixture infrastructure) : StatusContract
{
    private readonly string _databaseName = InfrastructureFixture.NewDatabaseName();
    private MongoClient? _client;
    private IMongoDatabase? _database;

    protected override async Task<IStatusStore> OpenAsync()
    {
        _client = new MongoClient((await infrastructure.MongoAsync()).Uri);
        _database = _client.GetDatabase(_databaseName);
        await new StatusMongoCollections().CreateAsync(_database, Cancel);
        return new MongoStatusStore(_database);
    }

    [Fact]
    public async Task When_documents_from_before_models_were_counted_are_there_Should_read_them_as_no_model_and_never_count_them_twice()
    {
        var hour = new DateTime(2026, 11, 24, 9, 0, 0, DateTimeKind.Utc);
        // As the store wrote them before: no model in the documents or their keys.
        await _database!.GetCollection<BsonDocument>(StatusMongoCollections.Counters).InsertOneAsync(new BsonDocument
        {
            { "_id", $"{hour.AddMinutes(5).Ticks}|/work/p|dev|output_tokens" }, { "minute", hour.AddMinutes(5) }, { "project", "/work/p" }, { "user", "dev" },
            { "metric", "output_tokens" }, { "value", 120.0 },
        }, cancellationToken: Cancel);
        await _database.GetCollection<BsonDocument>(StatusMongoCollections.Rollups).InsertOneAsync(new BsonDocument
        {
            { "_id", $"hour|{hour.Ticks}|/work/p|dev|output_tokens" }, { "granularity", "hour" }, { "periodStart", hour }, { "project", "/work/p" },
            { "user", "dev" }, { "metric", "output_tokens" }, { "value", 120.0 },
        }, cancellationToken: Cancel);
        var start = new DateTimeOffset(hour);

        await AssertKeptBesideCountsPerModelAsync(Store, start);
    }

    public override async ValueTask DisposeAsync()
    {
        if (_client is null)
            return;
        await _client.DropDatabaseAsync(_databaseName);
        _client.Dispose();
    }
}
