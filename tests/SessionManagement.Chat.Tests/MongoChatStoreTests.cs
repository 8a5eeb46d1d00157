using Microsoft.Extensions.Logging.Abstractions;
using MongoDB.Driver;
using SessionManagement.Chat.Storage;
using SessionManagement.Hosting.Options;
using SessionManagement.Testing;

namespace SessionManagement.Chat.Tests;

public sealed class MongoChatStoreTests(InfrastructureFixture infrastructure) : ChatStoreContract
{
    private readonly string _databaseName = InfrastructureFixture.NewDatabaseName();
    private MongoClient? _client;
    private MongoEndpoint? _endpoint;

    protected override async Task<IChatStore> OpenAsync(bool compress)
    {
        if (_client is null)
        {
            _endpoint = await infrastructure.MongoAsync();
            _client = new MongoClient(_endpoint.Uri);
            await new ChatMongoCollections(NullLogger<ChatMongoCollections>.Instance).CreateAsync(_client.GetDatabase(_databaseName), Cancel);
        }
        return new MongoChatStore(_client.GetDatabase(_databaseName),
            Microsoft.Extensions.Options.Options.Create(new ChatManagementOptions { MessageCompression = compress }));
    }

    protected override Task<string?> SearchUnavailableBecauseAsync() => Task.FromResult(_endpoint!.IsTestDouble
        ? $"full-text search needs a MongoDB text index and $text, which {_endpoint.Description} cannot show"
        : null);

    public override async ValueTask DisposeAsync()
    {
        if (_client is null)
            return;
        await _client.DropDatabaseAsync(_databaseName);
        _client.Dispose();
    }
}
