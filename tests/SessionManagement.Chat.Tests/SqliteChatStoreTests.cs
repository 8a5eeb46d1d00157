using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SessionManagement.Chat.Backups;
using SessionManagement.Chat.Messages;
using SessionManagement.Chat.Storage;
using SessionManagement.Hosting.Options;
using SessionManagement.Hosting.Security;
using SessionManagement.Hosting.Storage.Sqlite;
using SessionManagement.Testing;
using static SessionManagement.Testing.TranscriptLines;

namespace SessionManagement.Chat.Tests;

public class SqliteChatStoreTests : ChatStoreContract
{
    /// <summary>How the store keeps content at rest: in clear here, sealed in the subclass.</summary>
    protected virtual AtRest AtRest => AtRest.Off;

    private readonly TempDirectory _directory = new();
    private SqliteDatabase? _database;

    protected override Task<IChatStore> OpenAsync(bool compress)
    {
        _database ??= new SqliteDatabase(Microsoft.Extensions.Options.Options.Create(new StorageOptions { DataDirectory = _directory.Path }),
            ChatSqliteSchema.All, NullLogger<SqliteDatabase>.Instance);
        return Task.FromResult<IChatStore>(new SqliteChatStore(_database,
            Microsoft.Extensions.Options.Options.Create(new ChatManagementOptions { MessageCompression = compress }), AtRest));
    }

    [Fact]
    public async Task When_the_last_line_of_a_block_is_trimmed_or_its_session_deleted_Should_drop_the_block_with_it()
    {
        var (kept, trimmed) = (NewSession(), NewSession());
        var store = await OpenAsync(compress: true);
        await store.AppendAsync(Transcript(kept, 0, User(kept, "k1", null, 1, "first"), User(kept, "k2", "k1", 2, "second")), 100, Cancel);
        await store.AppendAsync(Transcript(trimmed, 0, User(trimmed, "t1", null, 1, "old")), 100, Cancel);
        await store.AppendAsync(Transcript(trimmed, 100, User(trimmed, "t2", "t1", 2, "new")), 1, Cancel); // retention 1: t1 and its block go

        Assert.Equal(1L, await BlocksAsync(trimmed));
        Assert.Equal(User(trimmed, "t2", "t1", 2, "new"), Assert.Single((await store.PageAsync(trimmed, 0, 10, true, true, Cancel)).Messages).Raw);
        await store.CleanupAsync(retention: 1, maxSessionBytes: long.MaxValue, Cancel); // k1 goes, its block stays for k2
        Assert.Equal(1L, await BlocksAsync(kept));
        Assert.Equal(User(kept, "k2", "k1", 2, "second"), Assert.Single((await store.PageAsync(kept, 0, 10, true, true, Cancel)).Messages).Raw);
        await store.DeleteSessionAsync(kept, Cancel);
        Assert.Equal(0L, await BlocksAsync(kept));
    }

    [Fact]
    public async Task When_messages_wait_for_the_search_index_Should_find_them_at_the_next_search_and_forget_those_deleted_before()
    {
        var word = "zebra" + Guid.NewGuid().ToString("N")[..6];
        var (indexed, unindexed, later) = (NewSession(), NewSession(), NewSession());
        var store = await OpenAsync(compress: true);
        MessageSearch Search() => new([word], null, null, null, null, null, 10);

        await store.AppendAsync(Transcript(indexed, 0, User(indexed, "i1", null, 1, "find the " + word)), 100, Cancel);
        Assert.Equal([indexed], (await store.SearchAsync(Search(), Cancel)).Select(h => h.SessionId)); // the search indexed it first
        await store.AppendAsync(Transcript(unindexed, 0, User(unindexed, "n1", null, 1, "another " + word)), 100, Cancel);
        await store.DeleteSessionAsync(unindexed, Cancel); // deleted while still waiting for the index
        await store.DeleteSessionAsync(indexed, Cancel);
        await store.AppendAsync(Transcript(later, 0, User(later, "l1", null, 1, "the last " + word)), 100, Cancel);

        Assert.Equal([later], (await store.SearchAsync(Search(), Cancel)).Select(h => h.SessionId));
        await _database!.WriteAsync(async (connection, transaction) =>
        {
            await using var check = connection.CreateCommand();
            check.Transaction = transaction;
            // Each throws when its index is off: the words of messages in clear, the tokens of sealed ones.
            check.CommandText = """
                INSERT INTO chat_messages_fts (chat_messages_fts) VALUES ('integrity-check');
                INSERT INTO chat_messages_fts_sealed (chat_messages_fts_sealed) VALUES ('integrity-check');
                """;
            return await check.ExecuteNonQueryAsync(Cancel);
        }, Cancel);
    }

    [Fact]
    public async Task When_appends_pause_Should_index_every_waiting_message_chunk_by_chunk_without_a_search()
    {
        var (store, clock, indexer, _) = await IndexerOverPromptsAsync(SqliteSearchIndexer.Chunk + 1);
        using var _ = indexer;

        Assert.Equal(SqliteSearchIndexer.Chunk + 1L, await CountAsync("SELECT count(*) FROM chat_fts_pending"));
        clock.Advance(SqliteSearchIndexer.QuietPeriod); // sees the append
        clock.Advance(SqliteSearchIndexer.QuietPeriod); // sees nothing more: the appends paused

        await Eventually.ReturnsAsync(() => CountAsync("SELECT count(*) FROM chat_fts_pending"), waiting => waiting == 0,
            TimeSpan.FromSeconds(10), "every waiting message indexed");
        var index = AtRest.Seals ? "chat_messages_fts_sealed" : "chat_messages_fts";
        var query = AtRest.Seals ? MessageColumns.SealedFtsQuery(["prompt"], AtRest) : MessageColumns.FtsQuery(["prompt"]);
        Assert.Equal(SqliteSearchIndexer.Chunk + 1L, await CountAsync($"SELECT count(*) FROM {index} WHERE {index} MATCH '{query}'"));
        await indexer.StopAsync(Cancel);
    }

    [Fact]
    public async Task When_transcripts_are_read_at_every_pause_Should_still_index_every_waiting_message_within_the_longest_delay()
    {
        var (store, clock, indexer, s) = await IndexerOverPromptsAsync(2 * SqliteSearchIndexer.Chunk + 1);
        using var _ = indexer;

        // An export that never stops: a page of the transcript read before every tick. The indexing gives way to it, but not for good.
        var read = 0L;
        for (var waited = TimeSpan.Zero; waited <= SqliteSearchIndexer.MaxDelay + SqliteSearchIndexer.QuietPeriod; waited += SqliteSearchIndexer.QuietPeriod)
        {
            using (var page = await store.TranscriptLinesAsync(s, "", -1, 10, 1 << 20, Cancel))
                read++;
            clock.Advance(SqliteSearchIndexer.QuietPeriod);
        }

        Assert.Equal(read, store.TranscriptReads);
        await Eventually.ReturnsAsync(async () =>
        {
            using (await store.TranscriptLinesAsync(s, "", -1, 10, 1 << 20, Cancel)) { }
            clock.Advance(SqliteSearchIndexer.QuietPeriod);
            return await CountAsync("SELECT count(*) FROM chat_fts_pending");
        }, waiting => waiting == 0, TimeSpan.FromSeconds(20), "every waiting message indexed though the reads went on");
        await indexer.StopAsync(Cancel);
    }

    /// <summary>
    /// A store holding <paramref name="prompts"/> prompts of a new session, not yet indexed, and an indexer started on it whose clock
    /// the test moves.
    /// </summary>
    private async Task<(SqliteChatStore Store, FakeTimeProvider Clock, SqliteSearchIndexer Indexer, string Session)> IndexerOverPromptsAsync(int prompts)
    {
        var s = NewSession();
        var store = (SqliteChatStore)await OpenAsync(compress: true);
        var clock = new FakeTimeProvider();
        var indexer = new SqliteSearchIndexer(store, clock, NullLogger<SqliteSearchIndexer>.Instance);
        await indexer.StartAsync(Cancel);
        var lines = Enumerable.Range(0, prompts).Select(i => User(s, $"u{i}", null, i, $"prompt {i}")).ToArray();
        await store.AppendAsync(Transcript(s, 0, lines), 100_000, Cancel);
        return (store, clock, indexer, s);
    }

    private Task<long> CountAsync(string sql) => _database!.ReadAsync(async connection =>
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync(Cancel))!;
    }, Cancel);

    private Task<long> BlocksAsync(string sessionId) => _database!.ReadAsync(async connection =>
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM chat_raw_blocks WHERE session_id = $session";
        command.Parameters.AddWithValue("$session", sessionId);
        return (long)(await command.ExecuteScalarAsync(Cancel))!;
    }, Cancel);

    public override async ValueTask DisposeAsync()
    {
        if (_database is not null)
            await _database.DisposeAsync();
        _directory.Dispose();
    }
}

/// <summary>The same contract with every write sealed under a key at rest.</summary>
public sealed class SealedSqliteChatStoreTests : SqliteChatStoreTests
{
    private AtRest _atRest = TestKeys.Sealing();

    protected override double StoredSizeFactor => 4.0 / 3;

    protected override AtRest AtRest => _atRest;

    [Fact]
    public Task When_the_key_is_rotated_Should_seal_the_tool_output_files_again_so_the_new_key_alone_opens_them() =>
        RotationSealsToolOutputsAgainAsync(keys =>
        {
            _atRest = keys;
            return OpenAsync(compress: true);
        });

    [Fact]
    public async Task When_the_key_is_rotated_Should_seal_a_tool_outputs_backup_again_so_the_new_key_alone_restores_it()
    {
        var s = NewSession();
        using var folder = new TempDirectory();
        TranscriptBackups Backups(IChatStore store, AtRest keys) => new(
            Microsoft.Extensions.Options.Options.Create(new StorageOptions { DataDirectory = folder.Path }), store,
            Microsoft.Extensions.Options.Options.Create(new ChatManagementOptions()), keys, NullLogger<TranscriptBackups>.Instance);
        var bytes = System.Text.Encoding.UTF8.GetBytes("the full output\n");
        var (content, encoding) = SessionManagement.Contracts.Gateway.TranscriptContent.Pack(bytes, compress: true);
        var store = await OpenAsync(compress: true);
        await store.AppendAsync(Transcript(s, 0, User(s, "u1", null, 1, "count")), Keep, Cancel);
        await store.SaveToolResultAsync(new SessionManagement.Contracts.Gateway.ToolResultCaptured(s, "out.txt", "sha", bytes.Length, content, encoding, Start,
            "laptop", "dev"), Cancel);
        Assert.Equal(2, await Backups(store, AtRest).BackUpSessionAsync(s, Cancel));

        var rotated = AtRest.With([("test-2", TestKeys.Second), ("test-1", TestKeys.First)]);
        var walker = Backups(store, rotated);
        string? cursor = null;
        var resealed = 0;
        do
        {
            var (next, count) = await walker.ResealAsync(rotated, cursor, AtRestResealer.Chunk, Cancel);
            (cursor, resealed) = (next, resealed + count);
        }
        while (cursor is not null);
        await store.DeleteSessionAsync(s, Cancel);
        var restorer = Backups(store, AtRest.With([("test-2", TestKeys.Second)])); // the old key given up

        Assert.Equal(2, resealed);
        Assert.True(await restorer.RestoreOutputAsync(Assert.Single(restorer.OutputFiles()), Cancel));
        var kept = await store.ToolResultAsync(s, "out.txt", Cancel);
        Assert.Equal("the full output\n", SqliteFile.Unpacked(kept!.Value.Content, kept.Value.Encoding));
    }

    [Fact]
    public async Task When_a_rotation_falls_between_a_prompt_hook_and_its_line_Should_still_join_them()
    {
        var s = NewSession();
        var before = await OpenAsync(compress: true);
        await before.AppendAsync([Hook(s, "UserPromptSubmit", "prompt", "deploy it", 1)], Keep, Cancel);

        _atRest = AtRest.With([("test-2", TestKeys.Second), ("test-1", TestKeys.First)]); // the new key current, the old one still held
        var after = await OpenAsync(compress: true);
        var joined = Assert.Single(await after.AppendAsync(Transcript(s, 0, User(s, "u1", null, 2, "deploy it")), Keep, Cancel));

        Assert.Equal((0, 1), (joined.Added, joined.Merged));
        Assert.Equal(MessageSources.Hook | MessageSources.Transcript, Assert.Single((await after.PageAsync(s, 0, 10, false, false, Cancel)).Messages).Sources);
    }
}
