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

    [Fact]
    public async Task When_a_restored_file_is_placed_Should_keep_its_shift_as_it_moves_and_none_for_other_files()
    {
        await Store.SaveAsync(new TranscriptCursor("s1", "/t/moved.jsonl", 900, "AA", At) { Shift = -54 }, Cancel);
        await Store.SaveAsync(new TranscriptCursor("s1", "/t/moved.jsonl", 1_200, "AA", At.AddSeconds(1)) { Shift = -54 }, Cancel);
        await Store.SaveAsync(new TranscriptCursor("s1", "/t/own.jsonl", 300, "BB", At), Cancel);

        Assert.Equal(new TranscriptCursor("s1", "/t/moved.jsonl", 1_200, "AA", At.AddSeconds(1)) { Shift = -54 }, await Store.GetAsync("s1", "/t/moved.jsonl", Cancel));
        Assert.Equal(0, (await Store.GetAsync("s1", "/t/own.jsonl", Cancel))!.Shift);
    }

    [Fact]
    public async Task When_a_session_is_deleted_and_undeleted_Should_say_so_until_it_is_undeleted_and_keep_the_latest_deletion_and_who_asked()
    {
        var at = At.AddTicks(1_234); // the saver's clock, finer than a millisecond
        await Store.MarkDeletedAsync(new DeletedSession("gone", at, ""), Cancel); // heard of from the bus first, saying nobody
        await Store.MarkDeletedAsync(new DeletedSession("gone", at, "alice"), Cancel); // then the route that asked
        await Store.MarkDeletedAsync(new DeletedSession("gone", at, ""), Cancel);
        await Store.MarkDeletedAsync(new DeletedSession("also", At, "carol"), Cancel);
        await Store.MarkDeletedAsync(new DeletedSession("again", At, "dan"), Cancel);
        await Store.MarkDeletedAsync(new DeletedSession("again", At.AddHours(1), "erin"), Cancel); // resumed, then deleted again
        await Store.MarkDeletedAsync(new DeletedSession("again", At.AddMinutes(30), "frank"), Cancel); // an older deletion heard late

        var deleted = await Store.DeletedAsync("gone", Cancel);
        var undeleted = await Store.UndeleteAsync("gone", Cancel);
        var twice = await Store.UndeleteAsync("gone", Cancel);

        Assert.Equal(("gone", "alice"), (deleted!.SessionId, deleted.By));
        Assert.InRange(deleted.DeletedAt, at.AddMilliseconds(-1), at); // to the millisecond, at least
        Assert.True(undeleted);
        Assert.False(twice);
        Assert.Null(await Store.DeletedAsync("gone", Cancel));
        Assert.Null(await Store.DeletedAsync("never", Cancel));
        Assert.Equal(new DeletedSession("also", At, "carol"), await Store.DeletedAsync("also", Cancel));
        Assert.Equal(new DeletedSession("again", At.AddHours(1), "erin"), await Store.DeletedAsync("again", Cancel));
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

    [Fact]
    public async Task When_a_cursor_was_written_before_shifts_Should_read_as_none()
    {
        await Provider.Mongo!.GetCollection<MongoDB.Bson.BsonDocument>(GatewayMongoCollections.TranscriptCursors).InsertOneAsync(new MongoDB.Bson.BsonDocument
        {
            ["sessionId"] = "old", ["transcriptPath"] = "/t/old.jsonl", ["offset"] = 42L, ["fingerprint"] = "AA", ["updatedAt"] = DateTime.UtcNow,
        }, cancellationToken: Cancel);

        Assert.Equal((42, 0), (await Store.GetAsync("old", "/t/old.jsonl", Cancel)) is { } cursor ? (cursor.Offset, cursor.Shift) : (-1, -1));
    }
}
