using SessionManagement.Gateway.Storage;
using SessionManagement.Gateway.Transcripts;
using SessionManagement.Testing;

namespace SessionManagement.Gateway.Tests.Storage;

public abstract class TranscriptCursorStoreContract : GatewayStoreContract<ITranscriptCursorStore>
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 10, 0, 0, 750, TimeSpan.Zero);

    [Fact]
    public async Task When_a_cursor_moves_Should_keep_only_the_latest_position_per_session_and_file()
    {
        await Store.SaveAsync(new TranscriptCursor("s1", "/t/a.jsonl", 100, "AA", At), Cancel);
        await Store.SaveAsync(new TranscriptCursor("s1", "/t/b.jsonl", 7, "BB", At), Cancel);

        await Store.SaveAsync(new TranscriptCursor("s1", "/t/a.jsonl", 250, "CC", At.AddSeconds(5)), Cancel);

        Assert.Equal(new TranscriptCursor("s1", "/t/a.jsonl", 250, "CC", At.AddSeconds(5)), await Store.GetAsync("s1", "/t/a.jsonl", Cancel));
        Assert.Equal(7, (await Store.GetAsync("s1", "/t/b.jsonl", Cancel))!.Offset);
        Assert.Null(await Store.GetAsync("s2", "/t/a.jsonl", Cancel));
    }
}

public sealed class SqliteTranscriptCursorStoreTests : TranscriptCursorStoreContract
{
    private protected override Task<GatewayStoreProvider> OpenAsync() => Task.FromResult(GatewayStoreProvider.OpenSqlite());

    private protected override ITranscriptCursorStore Create(GatewayStoreProvider provider) => new SqliteTranscriptCursorStore(provider.Sqlite!);
}

public sealed class MongoTranscriptCursorStoreTests(InfrastructureFixture infrastructure) : TranscriptCursorStoreContract
{
    private protected override Task<GatewayStoreProvider> OpenAsync() => GatewayStoreProvider.OpenMongoAsync(infrastructure);

    private protected override ITranscriptCursorStore Create(GatewayStoreProvider provider) => new MongoTranscriptCursorStore(provider.Mongo!);
}
