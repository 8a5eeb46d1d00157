using Microsoft.Extensions.Logging.Abstractions;
using MongoDB.Driver;
using SessionManagement.Chat.Storage;
using SessionManagement.Hosting.Options;
using SessionManagement.Hosting.Security;
using SessionManagement.Testing;

namespace SessionManagement.Chat.Tests;

public class MongoChatStoreTests(InfrastructureFixture infrastructure) : ChatStoreContract
{
    /// <summary>How the store keeps content at rest: in clear here, sealed in the subclass.</summary>
    protected virtual AtRest AtRest => AtRest.Off;

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
            Microsoft.Extensions.Options.Options.Create(new ChatManagementOptions { MessageCompression = compress }), AtRest);
    }

    protected override bool KeepsFileDigests => false;

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

/// <summary>The same contract with every write sealed under a key at rest.</summary>
public sealed class SealedMongoChatStoreTests(InfrastructureFixture infrastructure) : MongoChatStoreTests(infrastructure)
{
    protected override double StoredSizeFactor => 4.0 / 3;

    /// <summary>Sealed messages are found by their words' tokens, with no text index: the test double can show it.</summary>
    protected override Task<string?> SearchUnavailableBecauseAsync() => Task.FromResult<string?>(null);

    private AtRest _atRest = TestKeys.Sealing();

    protected override AtRest AtRest => _atRest;

    [Fact]
    public Task When_the_key_is_rotated_Should_seal_the_tool_output_files_again_so_the_new_key_alone_opens_them() =>
        RotationSealsToolOutputsAgainAsync(keys =>
        {
            _atRest = keys;
            return OpenAsync(compress: true);
        });
}
