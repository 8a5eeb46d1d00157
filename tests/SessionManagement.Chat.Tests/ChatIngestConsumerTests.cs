using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using SessionManagement.Chat.Consumers;
using SessionManagement.Chat.Storage;
using SessionManagement.Contracts.Chat;
using SessionManagement.Contracts.Gateway;
using SessionManagement.Hosting.Options;
using SessionManagement.Hosting.Storage.Sqlite;
using SessionManagement.Testing;
using static SessionManagement.Testing.TranscriptLines;

namespace SessionManagement.Chat.Tests;

public sealed class ChatIngestConsumerTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private ServiceProvider _provider = null!;
    private ITestHarness _harness = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _provider = new ServiceCollection()
            .AddSingleton(Microsoft.Extensions.Options.Options.Create(new StorageOptions { DataDirectory = _directory.Path }))
            .AddSingleton(Microsoft.Extensions.Options.Options.Create(new ChatManagementOptions()))
            .AddSingleton<IEnumerable<SqliteMigration>>(ChatSqliteSchema.All)
            .AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>))
            .AddSingleton<SqliteDatabase>()
            .AddSingleton(SessionManagement.Hosting.Security.AtRest.Off)
            .AddSingleton<IChatStore, SqliteChatStore>()
            .AddSingleton<AppendOrder>()
            .AddSingleton(Microsoft.Extensions.Options.Options.Create(new SessionStorageOptions()))
            .AddSingleton(TimeProvider.System)
            .AddSingleton<SessionManagement.Chat.Backups.TranscriptBackups>()
            .AddMassTransitTestHarness(bus =>
            {
                bus.AddConsumer<ChatIngestConsumer, ChatIngestConsumerDefinition>();
                bus.AddConsumer<ChatQueriesConsumer>();
                bus.AddConsumer<ChatCleanupConsumer>();
            })
            .BuildServiceProvider(true);
        _harness = _provider.GetRequiredService<ITestHarness>();
        await _harness.Start();
    }

    public async ValueTask DisposeAsync()
    {
        await _provider.DisposeAsync();
        _directory.Dispose();
    }

    private static TranscriptLinesCaptured Batch(string session, params string[] lines) =>
        TranscriptBatches.Of(session, "/home/dev/.claude/projects/-work-shop/" + session + ".jsonl", 0, lines, Start);

    [Fact]
    public async Task When_a_prompt_hook_and_its_transcript_line_arrive_Should_store_one_message_and_announce_both_appends()
    {
        var session = "s-" + Guid.NewGuid().ToString("N")[..10];
        var prompt = new ConversationHookCaptured(Guid.CreateVersion7(), session, "UserPromptSubmit", Start, 1, "laptop", "dev", "/work/shop", null,
            $$"""{"session_id":"{{session}}","hook_event_name":"UserPromptSubmit","prompt":"add a test"}""");

        await _harness.Bus.Publish(prompt, Cancel);
        Assert.True(await _harness.Published.Any<MessagesAppended>(x => x.Context.Message.SessionId == session, Cancel));
        await _harness.Bus.Publish(Batch(session, User(session, "u1", null, 1, "add a test"), "{not json"), Cancel);

        Assert.True(await _harness.Published.Any<MessagesAppended>(x => x.Context.Message.SessionId == session && x.Context.Message.Merged == 1, Cancel));
        var appended = _harness.Published.Select<MessagesAppended>(x => x.Context.Message.SessionId == session && x.Context.Message.Merged == 1, Cancel)
            .Single().Context.Message;
        Assert.Equal((1, 1, 2L), (appended.Added, appended.InvalidLines, appended.MessageCount));
        Assert.False(await _harness.Published.Any<Fault<TranscriptLinesCaptured>>(Cancel));
        var page = await _harness.GetRequestClient<GetMessages>().GetResponse<MessagesPage>(new GetMessages(session, 0, 10, true, true), Cancel);
        Assert.Equal((1L, 2), (page.Message.InvalidLines, page.Message.Messages.Count));
        Assert.Equal(["hook", "transcript"], page.Message.Messages[0].Sources);
        Assert.Equal("{not json", page.Message.Messages[1].Raw);
    }

    [Fact]
    public async Task When_transcript_lines_are_sent_as_a_request_Should_answer_once_they_are_stored()
    {
        var session = "s-" + Guid.NewGuid().ToString("N")[..10];
        var batch = Batch(session, User(session, "u1", null, 1, "hello"), AssistantText(session, "a1", "u1", 2, "hi"), Bookkeeping(session));

        var stored = await _harness.GetRequestClient<TranscriptLinesCaptured>().GetResponse<TranscriptLinesStored>(batch, Cancel);
        var again = await _harness.GetRequestClient<TranscriptLinesCaptured>().GetResponse<TranscriptLinesStored>(batch, Cancel);

        Assert.Equal((batch.BatchId, 3, 0), (stored.Message.BatchId, stored.Message.Added, stored.Message.InvalidLines));
        Assert.Equal(0, again.Message.Added);
        var page = await _provider.GetRequiredService<IChatStore>().PageAsync(session, 0, 10, false, false, Cancel);
        Assert.Equal(["user", "assistant"], page.Messages.Select(m => m.Role));
        // The assistant record's usage is announced once, with the write that first stored it; the second delivery announces nothing.
        var appended = Assert.Single(_harness.Published.Select<MessagesAppended>(x => x.Context.Message.SessionId == session, Cancel)).Context.Message;
        var recorded = Assert.Single(_harness.Published.Select<UsageRecorded>(x => x.Context.Message.SessionId == session, Cancel)).Context.Message;
        Assert.Equal([new RecordedUsage("claude-opus-4-20250514", Start.AddSeconds(2), new TokenUsageView(12, 34, 5, 6))], recorded.Usage);
        Assert.Equal(7, recorded.UsageId.Version); // named, so that status counts it once however often it is delivered
        Assert.Equal("claude-opus-4-20250514", appended.Model);
    }

    [Fact]
    public async Task When_an_import_is_summed_up_Should_name_the_latest_branch_also_of_lines_stored_before_lines_kept_theirs()
    {
        var (kept, predating) = ("s-" + Guid.NewGuid().ToString("N")[..10], "s-" + Guid.NewGuid().ToString("N")[..10]);
        foreach (var session in new[] { kept, predating })
        {
            var lines = new[] { User(session, "u1", null, 1, "start"), User(session, "u2", "u1", 2, "go on").Replace("\"main\"", "\"feature/x\"") };
            await _harness.GetRequestClient<TranscriptLinesCaptured>().GetResponse<TranscriptLinesStored>(Batch(session, lines), Cancel);
        }
        // What migration 11 leaves of a session stored before it: rows without their branch, and the session marked.
        await _provider.GetRequiredService<SqliteDatabase>().WriteAsync(async (connection, transaction) =>
        {
            await using var update = connection.CreateCommand();
            update.Transaction = transaction;
            update.CommandText = """
                UPDATE chat_messages SET git_branch = NULL WHERE session_id = $session;
                UPDATE chat_sessions SET branches_unread = 1 WHERE session_id = $session;
                """;
            update.Bind("$session", predating);
            return await update.ExecuteNonQueryAsync(Cancel);
        }, Cancel);

        await _harness.Bus.Publish(new SummarizeTranscript(kept, null, "dev"), Cancel);
        await _harness.Bus.Publish(new SummarizeTranscript(predating, null, "dev"), Cancel);

        foreach (var session in new[] { kept, predating })
        {
            Assert.True(await _harness.Published.Any<TranscriptSummarized>(x => x.Context.Message.SessionId == session, Cancel));
            Assert.Equal("feature/x", _harness.Published.Select<TranscriptSummarized>(x => x.Context.Message.SessionId == session, Cancel).Single().Context.Message.GitBranch);
        }
    }

    [Fact]
    public async Task When_a_batch_content_is_damaged_Should_fail_that_message_saying_why_and_store_nothing()
    {
        var session = "s-" + Guid.NewGuid().ToString("N")[..10];
        var good = Batch(session, User(session, "u1", null, 1, "a prompt long enough to be compressed on the wire " + new string('x', 300)));
        var damaged = good with { Content = good.Content[..^8] }; // cut short: the Brotli stream does not end

        await _harness.Bus.Publish(damaged, Cancel);

        Assert.Equal(TranscriptContent.Brotli, good.ContentEncoding);
        var fault = (await _harness.Published.SelectAsync<Fault<TranscriptLinesCaptured>>(Cancel).First()).Context.Message;
        Assert.Equal(damaged.BatchId, fault.Message.BatchId);
        Assert.Contains(fault.Exceptions, e => e.ExceptionType == typeof(InvalidDataException).FullName);
        Assert.Equal(0L, (await _provider.GetRequiredService<IChatStore>().PageAsync(session, 0, 10, true, false, Cancel)).Total);
    }

    [Fact]
    public async Task When_a_batch_content_is_handed_over_in_process_Should_store_it_while_held_and_fail_saying_why_once_let_go()
    {
        var session = "s-" + Guid.NewGuid().ToString("N")[..10];
        var batch = Batch(session, User(session, "u1", null, 1, "a prompt long enough to be compressed on the wire " + new string('x', 300)),
            AssistantText(session, "a1", "u1", 2, "hi"));
        var client = _harness.GetRequestClient<TranscriptLinesCaptured>();

        Response<TranscriptLinesStored> stored;
        var (handed, held) = InProcessContent.HandOver(batch);
        using (held)
            stored = await client.GetResponse<TranscriptLinesStored>(handed, Cancel);
        // Handed over with its lines too, the batch is read from them: chat took them, and stores nothing twice.
        var lines = System.Text.Encoding.UTF8.GetBytes(string.Concat(batch.ReadLines().Select(line => line + "\n")));
        var (withLines, heldWithLines) = InProcessContent.HandOver(batch with { BatchId = Guid.NewGuid() }, lines);
        Response<TranscriptLinesStored> again;
        using (heldWithLines)
        {
            again = await client.GetResponse<TranscriptLinesStored>(withLines, Cancel);
            Assert.Null(InProcessContent.TakeLines(withLines.ContentHandle!.Value));
        }
        var gone = batch with { BatchId = Guid.NewGuid(), Content = [], ContentHandle = Guid.NewGuid() };
        await _harness.Bus.Publish(gone, Cancel);

        Assert.Equal((2, 0), (stored.Message.Added, again.Message.Added));
        var page = await _provider.GetRequiredService<IChatStore>().PageAsync(session, 0, 10, true, true, Cancel);
        Assert.Equal(batch.ReadLines(), page.Messages.Select(m => m.Raw));
        var fault = (await _harness.Published.SelectAsync<Fault<TranscriptLinesCaptured>>(x => x.Context.Message.Message.BatchId == gone.BatchId, Cancel)
            .First()).Context.Message;
        var error = Assert.Single(fault.Exceptions);
        Assert.Equal(typeof(InvalidDataException).FullName, error.ExceptionType);
        Assert.Contains("no longer held", error.Message);
    }

    [Fact]
    public async Task When_a_search_has_no_words_Should_answer_why_instead_of_searching()
    {
        var response = await _harness.GetRequestClient<SearchMessages>()
            .GetResponse<MessagesFound, SearchRejected>(new SearchMessages("   ", null, null, null, null, null, 10), Cancel);

        Assert.True(response.Is(out Response<SearchRejected>? rejected));
        Assert.Contains("no words", rejected!.Message.Reason);
    }

    /// <summary>
    /// A session the saver archived and purged keeps only its backups: its transcript lines are backed up before chat drops them, so
    /// a store restored from the backups holds them again (the lines the test wrote, at their offsets).
    /// </summary>
    [Fact]
    public async Task When_a_purged_session_is_dropped_Should_back_up_its_transcript_lines_first()
    {
        var session = "purged-" + Guid.NewGuid().ToString("N")[..8];
        string[] lines = [User(session, "u1", null, 1, "keep me past the purge"), AssistantText(session, "a1", "u1", 2, "kept")];
        var store = _provider.GetRequiredService<IChatStore>();
        await store.AppendAsync(SessionManagement.Chat.Messages.TranscriptRecordReader.Read(session, 0, lines, Start).ToList(), 100, Cancel);

        await _harness.Bus.Publish(new SessionManagement.Contracts.Saver.SessionPurged(session, Guid.NewGuid(), DateTimeOffset.UtcNow), Cancel);
        // Not the harness's Consumed.Any: it gives up after 1.2 s without bus activity, and backing up then purging can take longer
        // than that on a loaded machine (it did once in ./test.sh).
        await Eventually.ReturnsAsync(async () => (await store.TranscriptFilesAsync(session, Cancel)).Count, n => n == 0, TimeSpan.FromSeconds(30), "the purged session dropped");

        var backups = _provider.GetRequiredService<SessionManagement.Chat.Backups.TranscriptBackups>();
        var backup = Assert.Single(backups.Files(), f => f.Contains(session, StringComparison.Ordinal));
        Assert.Equal(2L, await backups.RestoreAsync(backup, Cancel));
        using var restored = await store.TranscriptLinesAsync(session, "", -1, 10, long.MaxValue, Cancel);
        Assert.Equal(string.Concat(lines.Select(l => l + "\n")), System.Text.Encoding.UTF8.GetString(restored.Lines.Bytes.Span));
    }
}
