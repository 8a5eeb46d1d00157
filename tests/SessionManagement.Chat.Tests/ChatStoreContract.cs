using SessionManagement.Contracts.Chat;
using SessionManagement.Chat.Messages;
using SessionManagement.Chat.Storage;
using SessionManagement.Contracts.Gateway;
using static SessionManagement.Testing.TranscriptLines;

namespace SessionManagement.Chat.Tests;

public abstract class ChatStoreContract : IAsyncLifetime
{
    protected const int Keep = 100_000;

    protected IChatStore Store { get; private set; } = null!;

    protected static CancellationToken Cancel => TestContext.Current.CancellationToken;

    protected abstract Task<IChatStore> OpenAsync(bool compress);

    /// <summary>Why this store cannot search, or null when it can.</summary>
    /// <summary>How much more a row takes on disk than in clear: sealed text is kept in base64 with its key id, nonce and tag.</summary>
    protected virtual double StoredSizeFactor => 1.0;

    protected virtual Task<string?> SearchUnavailableBecauseAsync() => Task.FromResult<string?>(null);

    /// <summary>Whether the store keeps each transcript file's digest (<see cref="SessionManagement.Contracts.Chat.TranscriptDigest"/>).</summary>
    protected virtual bool KeepsFileDigests => true;

    public virtual async ValueTask InitializeAsync() => Store = await OpenAsync(compress: true);

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    protected static string NewSession() => "s-" + Guid.NewGuid().ToString("N")[..12];

    protected static List<ChatMessage> Transcript(string sessionId, long offset, params string[] lines) =>
        TranscriptRecordReader.Read(sessionId, offset, lines, Start).ToList();

    protected static ChatMessage Hook(string sessionId, string eventName, string field, string text, int second, string cwd = "/work/shop")
    {
        var raw = $$"""{"session_id":"{{sessionId}}","hook_event_name":"{{eventName}}","cwd":"{{cwd}}","{{field}}":{{System.Text.Json.JsonSerializer.Serialize(text)}}}""";
        var captured = new HookEventCaptured(Guid.CreateVersion7(), sessionId, eventName, Start.AddSeconds(second).AddMilliseconds(-40), second,
            "laptop", "dev", cwd, null, raw);
        return HookMessageReader.Read(captured)!;
    }

    private static List<ChatMessage> Conversation(string s) => Transcript(s, 0,
        User(s, "u1", null, 1, "list the files"),
        Bookkeeping(s),
        AssistantText(s, "a1", "u1", 2, "Here they are."),
        AssistantToolUse(s, "a2", "a1", 3, "toolu_1", "ls"),
        ToolResult(s, "u2", "a2", 4, "toolu_1", "README.md"),
        "{broken");

    [Fact]
    public async Task When_one_response_is_written_on_several_lines_Should_report_its_usage_once_whichever_batch_or_session_repeats_it()
    {
        var (s, resumed) = (NewSession(), NewSession());
        var transcript = new SessionManagement.Testing.UsageTranscript(s, "/work/usage", Start)
            .Prompt("go").Response("claude-opus-4-5-20251101", 3, 3, 400, 1_000, 2_000).ToolResult("ok")
            .Response("claude-opus-4-5-20251101", 2, 1, 50, 0, 3_000)
            .Response("claude-haiku-4-5-20251001", 2, 9, 8, 0, 0, requestId: false);
        var lines = transcript.Lines;

        // Shipped while Claude Code wrote it: the first response's third line comes in the next batch.
        var first = Assert.Single(await Store.AppendAsync(Transcript(s, 0, [.. lines.Take(3)]), Keep, Cancel));
        var second = Assert.Single(await Store.AppendAsync(Transcript(s, 3, [.. lines.Skip(3)]), Keep, Cancel));
        var again = Assert.Single(await Store.AppendAsync(Transcript(resumed, 0, [.. lines.Take(6)]), Keep, Cancel));

        Assert.Equal([(400L, 1_000L, 2_000L)], first.Usage.Select(u => (u.Tokens.OutputTokens, u.Tokens.CacheCreationInputTokens, u.Tokens.CacheReadInputTokens)));
        Assert.Equal([50L, 8L, 8L], second.Usage.Select(u => u.Tokens.OutputTokens)); // the line without requestId counts each time, as in ccusage
        Assert.Empty(again.Usage); // a resumed session's copy of lines already counted
        Assert.Equal(6, again.Added); // yet its lines are stored with it
    }

    [Fact]
    public async Task When_a_transcripts_lines_are_read_back_in_file_order_Should_give_each_line_as_shipped_and_no_hook_only_message()
    {
        var s = NewSession();
        string[] lines =
        [
            User(s, "u1", null, 5, "second by time, first in the file"),
            """{"type":"attachment","uuid":"at1","parentUuid":"u1","timestamp":"2026-11-24T09:00:04.000Z"}""",
            AssistantText(s, "a1", "u1", 6, "Here."),
            "{broken",
        ];
        await Store.AppendAsync([Hook(s, "UserPromptSubmit", "prompt", "second by time, first in the file", 5), Hook(s, "UserPromptSubmit", "prompt", "a prompt the file never got", 9)], Keep, Cancel);
        await Store.AppendAsync(Transcript(s, 1_000, lines), Keep, Cancel);

        var all = Split(await Store.TranscriptLinesAsync(s, "", -1, 100, long.MaxValue, Cancel));
        var afterFirstTwo = Split(await Store.TranscriptLinesAsync(s, "", all[1].Offset, 1, long.MaxValue, Cancel));

        Assert.Equal(lines, all.Select(l => l.Raw));
        var offsets = lines.Select((_, i) => 1_000L + lines.Take(i).Sum(l => System.Text.Encoding.UTF8.GetByteCount(l) + 1)).ToList();
        Assert.Equal(offsets, all.Select(l => l.Offset));
        Assert.Equal([lines[2]], afterFirstTwo.Select(l => l.Raw));
    }

    [Fact]
    public async Task When_lines_repeat_a_uuid_Should_keep_every_line_once_in_file_order_even_when_shipped_again()
    {
        var s = NewSession();
        string[] lines =
        [
            User(s, "u1", null, 5, "first"),
            AssistantText(s, "a1", "u1", 6, "one reply"),
            // claude-code-log's edge case: the same uuid and timestamp, other content.
            AssistantText(s, "a1", "u1", 6, "the same uuid and time, other words"),
            $$$"""{"type":"system","uuid":"s1","timestamp":"{{{Time(7)}}}","content":"a record"}""",
            $$$"""{"type":"system","uuid":"s1","timestamp":"{{{Time(7)}}}","content":"a record, written again otherwise"}""",
            $$$"""{"type":"system","uuid":"s1","timestamp":"{{{Time(7)}}}","content":"a record"}""", // the very same bytes, again in the file
            AssistantText(s, "a2", "a1", 8, "last"),
        ];
        // A hook's prompt the file never got keeps the session's hook messages waiting for their lines: both ways of storing a line run.
        await Store.AppendAsync([Hook(s, "UserPromptSubmit", "prompt", "first", 5), Hook(s, "UserPromptSubmit", "prompt", "never in the file", 30)], Keep, Cancel);

        var first = Assert.Single(await Store.AppendAsync(Transcript(s, 0, lines), Keep, Cancel));
        var again = Assert.Single(await Store.AppendAsync(Transcript(s, 0, lines), Keep, Cancel));
        var secondLine = System.Text.Encoding.UTF8.GetByteCount(lines[0]) + 1L;
        var fromTheSecond = Assert.Single(await Store.AppendAsync(Transcript(s, secondLine, lines[1..]), Keep, Cancel));

        Assert.Equal((lines.Length - 1, 1), (first.Added, first.Merged)); // the first line joined its hook's message
        Assert.Equal(0, again.Added);
        Assert.Equal(0, fromTheSecond.Added);
        Assert.Equal(lines, (Split(await Store.TranscriptLinesAsync(s, "", -1, 100, long.MaxValue, Cancel))).Select(l => l.Raw));
        var page = await Store.PageAsync(s, 0, 100, includeRecords: true, includeRaw: false, Cancel);
        Assert.Equal(["one reply", "the same uuid and time, other words"], page.Messages.Where(m => m.Uuid == "a1").Select(m => m.Text));
    }

    [Fact]
    public async Task When_a_transcript_names_or_sums_up_its_session_Should_give_that_title_and_not_a_summary_of_another_session()
    {
        var (named, summed) = (NewSession(), NewSession());
        string[] Lines(string s) =>
        [
            """{"type":"summary","summary":"Another session's work","leafUuid":"elsewhere-1"}""",
            User(s, "u1", null, 5, "fix the build"),
            AssistantText(s, "a1", "u1", 6, "Done."),
            """{"type":"summary","summary":"Fix the build","leafUuid":"a1"}""",
        ];
        var customTitle = $$$"""{"type":"custom-title","customTitle":"release prep","sessionId":"{{{named}}}"}""";

        var namedLines = Transcript(named, 0, [.. Lines(named), customTitle]);
        var summedLines = Transcript(summed, 0, Lines(summed));
        await Store.AppendAsync(namedLines, Keep, Cancel);
        await Store.AppendAsync(summedLines, Keep, Cancel);

        Assert.Equal("release prep", (await Store.SummarizeAsync(named, Cancel))?.Title);
        Assert.Equal("Fix the build", (await Store.SummarizeAsync(summed, Cancel))?.Title);
        // As the chat consumer finds them in a write: the leaf in the write, or stored before.
        Assert.Equal([(TranscriptTitle.Custom, "release prep"), (TranscriptTitle.Summary, "Fix the build")],
            (await TranscriptTitles.FindAsync(namedLines, uuid => Store.HoldsLineAsync(named, uuid, Cancel))).Select(t => (t.Kind, t.Text)));
        var lastLineOnly = Transcript(summed, 500, """{"type":"summary","summary":"Fix the build, again","leafUuid":"a1"}""");
        Assert.Equal(["Fix the build, again"], (await TranscriptTitles.FindAsync(lastLineOnly, uuid => Store.HoldsLineAsync(summed, uuid, Cancel))).Select(t => t.Text));
        Assert.Empty(await TranscriptTitles.FindAsync(Transcript(summed, 600, """{"type":"summary","summary":"x","leafUuid":"elsewhere-1"}"""),
            uuid => Store.HoldsLineAsync(summed, uuid, Cancel)));
    }

    /// <summary>
    /// Claude Code 2.1.332 has the model title a session after its first prompt and writes it as an <c>ai-title</c> line; its
    /// <c>--resume</c> picker shows the user's name for the session, else that title, else a summary: so does the session's title here.
    /// </summary>
    [Fact]
    public async Task When_a_transcript_has_the_models_title_Should_give_it_over_a_summary_and_under_the_users_name()
    {
        var (titled, named) = (NewSession(), NewSession());
        string[] Lines(string s) =>
        [
            User(s, "u1", null, 5, "the CI build fails on Mondays"),
            $$$"""{"type":"ai-title","aiTitle":"Flaky CI build on Mondays","sessionId":"{{{s}}}"}""",
            AssistantText(s, "a1", "u1", 6, "Done."),
            """{"type":"summary","summary":"Fix the build","leafUuid":"a1"}""",
        ];
        var titledLines = Transcript(titled, 0, Lines(titled));
        var namedLines = Transcript(named, 0, [.. Lines(named), $$$"""{"type":"custom-title","customTitle":"release prep","sessionId":"{{{named}}}"}"""]);
        await Store.AppendAsync(titledLines, Keep, Cancel);
        await Store.AppendAsync(namedLines, Keep, Cancel);

        Assert.Equal("Flaky CI build on Mondays", (await Store.SummarizeAsync(titled, Cancel))?.Title);
        Assert.Equal("release prep", (await Store.SummarizeAsync(named, Cancel))?.Title);
        Assert.Equal([(TranscriptTitle.Ai, "Flaky CI build on Mondays"), (TranscriptTitle.Summary, "Fix the build")],
            (await TranscriptTitles.FindAsync(titledLines, uuid => Store.HoldsLineAsync(titled, uuid, Cancel))).Select(t => (t.Kind, t.Text)));
    }

    /// <summary>
    /// Claude Code 2.1.332's <c>/cd</c> moves a session to another folder and writes a <c>relocated</c> line naming it; Claude Code
    /// tells a transcript's project by its last such line, else by its first line's working directory: so does the summary here.
    /// </summary>
    [Fact]
    public async Task When_a_transcript_was_moved_with_cd_Should_be_of_the_last_folder_it_was_moved_to()
    {
        var (moved, stayed) = (NewSession(), NewSession());
        string Relocated(string s, string folder) => $$$"""{"type":"relocated","sessionId":"{{{s}}}","relocatedCwd":"{{{folder}}}"}""";
        await Store.AppendAsync(Transcript(moved, 0,
            [User(moved, "u1", null, 5, "start in the shop"), Relocated(moved, "/work/web"), AssistantText(moved, "a1", "u1", 6, "Moved.", "/work/web"),
                Relocated(moved, "/work/api")]), Keep, Cancel);
        await Store.AppendAsync(Transcript(stayed, 0, [User(stayed, "u1", null, 5, "stay in the shop"), AssistantText(stayed, "a1", "u1", 6, "Stayed.")]), Keep, Cancel);

        Assert.Equal("/work/api", (await Store.SummarizeAsync(moved, Cancel))?.Cwd);
        Assert.Equal("/work/shop", (await Store.SummarizeAsync(stayed, Cancel))?.Cwd);
    }

    [Fact]
    public async Task When_a_subagents_transcript_is_stored_with_its_session_Should_give_each_file_back_and_keep_it_out_of_the_sessions_own_facts()
    {
        var s = NewSession();
        const string agent = "subagents/agent-a1b2c3.jsonl";
        string[] own =
        [
            User(s, "u1", null, 1, "find the flaky test"),
            AssistantText(s, "a1", "u1", 2, "Sending an agent."),
        ];
        // Its own offsets from 0, a line at the very offset of one of the session's, and a uuid the session's file has too.
        string[] subagent =
        [
            $$$"""{"type":"user","uuid":"s1","parentUuid":null,"isSidechain":true,"timestamp":"{{{Time(3)}}}","sessionId":"{{{s}}}","message":{"role":"user","content":"Search the tests for sleeps"}}""",
            $$$$"""{"type":"assistant","uuid":"a1","parentUuid":"s1","isSidechain":true,"timestamp":"{{{{Time(2)}}}}","sessionId":"{{{{s}}}}","requestId":"req_sub","message":{"id":"msg_sub","role":"assistant","model":"claude-haiku-4-5-20251001","content":[{"type":"text","text":"Found two."}],"usage":{"input_tokens":10,"output_tokens":5}}}""",
        ];
        await Store.AppendAsync(Transcript(s, 0, own), Keep, Cancel);
        // The subagent's reply reached its SubagentStop hook first: its line joins that message, which is the subagent's from then on.
        await Store.AppendAsync([Hook(s, "SubagentStop", "last_assistant_message", "Found two.", 2)], Keep, Cancel);

        var stored = Assert.Single(await Store.AppendAsync(TranscriptRecordReader.Read(s, 0, subagent, Start, agent).ToList(), Keep, Cancel));
        var again = Assert.Single(await Store.AppendAsync(TranscriptRecordReader.Read(s, 0, subagent, Start, agent).ToList(), Keep, Cancel));

        Assert.Equal((1, 1, 0), (stored.Added, stored.Merged, again.Added));
        Assert.Equal([10L], stored.Usage.Select(u => u.Tokens.InputTokens)); // the subagent's tokens are the session's
        Assert.Equal(own, (Split(await Store.TranscriptLinesAsync(s, "", -1, 100, long.MaxValue, Cancel))).Select(l => l.Raw));
        Assert.Equal(subagent, (Split(await Store.TranscriptLinesAsync(s, agent, -1, 100, long.MaxValue, Cancel))).Select(l => l.Raw));
        Assert.Equal([("", 2L, 0L), (agent, 2L, 0L)], (await Store.TranscriptFilesAsync(s, Cancel)).Select(f => (f.File, f.Lines, f.FirstOffset)));
        var summary = await Store.SummarizeAsync(s, Cancel);
        Assert.Equal((1L, 2L, "claude-opus-4-20250514"), (summary!.Prompts, summary.Lines, summary.Model));
        Assert.Equal(["find the flaky test"], (await Store.LatestAsync(s, "user", 6, Cancel)).Select(m => m.Text));
        var page = await Store.PageAsync(s, 0, 100, includeRecords: false, includeRaw: false, Cancel);
        Assert.Equal([("", "find the flaky test"), ("", "Sending an agent."), (agent, "Search the tests for sleeps"), (agent, "Found two.")],
            page.Messages.OrderBy(m => m.File, StringComparer.Ordinal).ThenBy(m => m.Sequence).Select(m => (m.File, m.Text)));
    }

    /// <summary>
    /// A /compact as Claude Code 2.1.330 runs it: two agents, each ending with a SubagentStop whose reply is the summary, and no
    /// transcript of theirs. Their replies are theirs (their subagent file), not the session's own conversation's.
    /// </summary>
    [Fact]
    public async Task When_a_subagent_without_a_transcript_stops_Should_keep_its_reply_as_that_subagents_not_the_sessions()
    {
        var s = NewSession();
        await Store.AppendAsync(Transcript(s, 0, User(s, "u1", null, 1, "compact this"), AssistantText(s, "a1", "u1", 2, "Compacting.")), Keep, Cancel);
        var raw = $$"""{"session_id":"{{s}}","hook_event_name":"SubagentStop","agent_id":"abdc7b3783641f613","agent_type":"","cwd":"/work/shop","last_assistant_message":"<summary>We fixed the build.</summary>"}""";
        var stop = HookMessageReader.Read(new HookEventCaptured(Guid.CreateVersion7(), s, "SubagentStop", Start.AddSeconds(3), 3, "laptop", "dev", "/work/shop", null, raw))!;

        await Store.AppendAsync([stop], Keep, Cancel);

        Assert.Equal("subagents/agent-abdc7b3783641f613.jsonl", stop.File);
        Assert.Equal(["Compacting."], (await Store.LatestAsync(s, "assistant", 6, Cancel)).Select(m => m.Text)); // the session's last reply
        var page = await Store.PageAsync(s, 0, 100, includeRecords: false, includeRaw: false, Cancel);
        Assert.Equal([("", "compact this"), ("", "Compacting."), ("subagents/agent-abdc7b3783641f613.jsonl", "<summary>We fixed the build.</summary>")],
            page.Messages.OrderBy(m => m.File, StringComparer.Ordinal).ThenBy(m => m.Sequence).Select(m => (m.File, m.Text)));
    }

    [Fact]
    public async Task When_transcript_lines_are_read_in_pages_bounded_by_bytes_Should_take_lines_while_those_before_fit_and_always_one()
    {
        var s = NewSession();
        var lines = Enumerable.Range(0, 6).Select(i => User(s, $"u{i}", i == 0 ? null : $"u{i - 1}", i, new string((char)('a' + i), 1_000))).ToArray();
        await Store.AppendAsync(Transcript(s, 0, lines), Keep, Cancel);
        var size = System.Text.Encoding.UTF8.GetByteCount(lines[0]); // each line the same length

        var three = Split(await Store.TranscriptLinesAsync(s, "", -1, 100, 2 * size + 1, Cancel));
        var one = Split(await Store.TranscriptLinesAsync(s, "", -1, 100, 1, Cancel));
        var rest = Split(await Store.TranscriptLinesAsync(s, "", three[^1].Offset, 100, 2 * size + 1, Cancel));
        var none = Split(await Store.TranscriptLinesAsync(s, "", rest[^1].Offset, 100, 2 * size + 1, Cancel));

        Assert.Equal(lines[..3], three.Select(l => l.Raw));
        Assert.Equal([lines[0]], one.Select(l => l.Raw)); // a line larger than the bound still comes, alone
        Assert.Equal(lines[3..], rest.Select(l => l.Raw));
        Assert.Empty(none);
    }

    [Fact]
    public async Task When_a_session_is_trimmed_to_its_retention_Should_say_its_file_no_longer_starts_at_its_first_byte()
    {
        var s = NewSession();
        var lines = Enumerable.Range(0, 4).Select(i => User(s, $"u{i}", i == 0 ? null : $"u{i - 1}", i, $"prompt {i}")).ToArray();

        await Store.AppendAsync(Transcript(s, 0, lines), 2, Cancel);

        var third = lines.Take(2).Sum(l => System.Text.Encoding.UTF8.GetByteCount(l) + 1L);
        var trimmed = Assert.Single(await Store.TranscriptFilesAsync(s, Cancel));
        Assert.Equal(("", 2L, third), (trimmed.File, trimmed.Lines, trimmed.FirstOffset));
        Assert.Null(trimmed.Digest); // its lines deleted, the file's digest no longer counts them
    }

    [Fact]
    public async Task When_a_record_reads_well_but_has_no_content_Should_not_count_it_as_a_line_that_could_not_be_read()
    {
        var s = NewSession();
        string[] lines =
        [
            $$$"""{"type":"user","uuid":"nc1","timestamp":"{{{Time(1)}}}","sessionId":"{{{s}}}","message":{"role":"user"}}""",
            $$$"""{"type":"assistant","uuid":"nc2","timestamp":"{{{Time(2)}}}","sessionId":"{{{s}}}"}""",
            "{not json",
        ];

        var result = Assert.Single(await Store.AppendAsync(Transcript(s, 0, lines), Keep, Cancel));

        Assert.Equal((3, 1), (result.Added, result.Invalid));
        Assert.Equal(1L, (await Store.PageAsync(s, 0, 10, includeRecords: true, includeRaw: false, Cancel)).InvalidLines);
    }

    [Fact]
    public async Task When_a_transcript_is_summed_up_Should_say_its_times_project_model_prompts_and_tool_calls_from_its_lines_alone()
    {
        var s = NewSession();
        await Store.AppendAsync([Hook(s, "UserPromptSubmit", "prompt", "a prompt the file never got", 30, "/work/elsewhere")], Keep, Cancel);
        await Store.AppendAsync(Conversation(s), Keep, Cancel);

        var summary = await Store.SummarizeAsync(s, Cancel);

        Assert.NotNull(summary);
        Assert.Equal((Start.AddSeconds(1), Start.AddSeconds(4)), (summary.FirstAt, summary.LastAt));
        Assert.Equal(("/work/shop", "claude-opus-4-20250514"), (summary.Cwd, summary.Model));
        Assert.Equal((1L, 1L, 6L), (summary.Prompts, summary.ToolCalls, summary.Lines));
        Assert.Null(await Store.SummarizeAsync(NewSession(), Cancel));
    }

    [Fact]
    public async Task When_lines_name_git_branches_Should_sum_up_the_session_on_the_branch_of_its_latest_line_that_names_one()
    {
        var s = NewSession();
        // User lines name "main"; assistant lines none.
        static string OnBranch(string line, string branch) => line.Contains("\"gitBranch\":\"main\"", StringComparison.Ordinal)
            ? line.Replace("\"gitBranch\":\"main\"", $"\"gitBranch\":\"{branch}\"", StringComparison.Ordinal)
            : line.Replace("\"type\":", $"\"gitBranch\":\"{branch}\",\"type\":", StringComparison.Ordinal);
        string[] own =
        [
            OnBranch(User(s, "u1", null, 1, "start the feature"), "main"),
            OnBranch(AssistantText(s, "a1", "u1", 2, "Branching."), "feature/login"),
            User(s, "u2", "a1", 3, "a line that names no branch").Replace(",\"gitBranch\":\"main\"", "", StringComparison.Ordinal),
        ];
        string[] subagent = [OnBranch(User(s, "s1", null, 4, "an agent on another branch"), "agent-branch")];
        var hookFirst = Hook(s, "UserPromptSubmit", "prompt", "the last prompt", 5);

        await Store.AppendAsync(Transcript(s, 0, own[..1]), Keep, Cancel);
        await Store.AppendAsync([hookFirst], Keep, Cancel);
        var offset = System.Text.Encoding.UTF8.GetByteCount(own[0]) + 1;
        await Store.AppendAsync(Transcript(s, offset, own[1..]), Keep, Cancel);
        await Store.AppendAsync(TranscriptRecordReader.Read(s, 0, subagent, Start, "subagents/agent-x1.jsonl").ToList(), Keep, Cancel);

        Assert.Equal("feature/login", (await Store.SummarizeAsync(s, Cancel))!.GitBranch);
        Assert.False(await Store.LinesPredateBranchesAsync(s, Cancel));

        // The hook's prompt reaches its transcript line, which names a branch: the line's branch is the session's latest.
        var last = OnBranch(User(s, "u3", "u2", 5, "the last prompt"), "release/2.0");
        offset += own[1..].Sum(l => System.Text.Encoding.UTF8.GetByteCount(l) + 1);
        Assert.Equal(1, Assert.Single(await Store.AppendAsync(Transcript(s, offset, last), Keep, Cancel)).Merged);
        Assert.Equal("release/2.0", (await Store.SummarizeAsync(s, Cancel))!.GitBranch);
    }

    [Fact]
    public async Task When_a_files_lines_are_stored_in_any_order_Should_give_the_digest_of_exactly_the_lines_held()
    {
        var s = NewSession();
        const string agent = "subagents/agent-d1.jsonl";
        string[] own =
        [
            User(s, "u1", null, 1, "the first prompt"),
            AssistantText(s, "a1", "u1", 2, "A reply."),
            User(s, "u2", "a1", 3, "the second prompt"),
            "{broken",
        ];
        var offsets = own.Select((_, i) => own.Take(i).Sum(l => System.Text.Encoding.UTF8.GetByteCount(l) + 1L)).ToArray();
        // The second prompt reached its hook first: its line takes the hook's message over.
        await Store.AppendAsync([Hook(s, "UserPromptSubmit", "prompt", "the second prompt", 3)], Keep, Cancel);
        await Store.AppendAsync(Transcript(s, offsets[2], own[2..]), Keep, Cancel); // the file's end first
        await Store.AppendAsync(Transcript(s, 0, own), Keep, Cancel);              // then all of it again
        await Store.AppendAsync(TranscriptRecordReader.Read(s, 0, own[..1], Start, agent).ToList(), Keep, Cancel);

        var files = await Store.TranscriptFilesAsync(s, Cancel);

        if (!KeepsFileDigests)
        {
            Assert.All(files, f => Assert.Null(f.Digest));
            return;
        }
        // Worked out here as documented, with the framework's XXH128: its hash of the offset (8 bytes, little-endian) and the line, XORed.
        static UInt128 Expected(IEnumerable<(long Offset, string Line)> lines) => lines.Aggregate(UInt128.Zero, (all, line) =>
            all ^ System.IO.Hashing.XxHash128.HashToUInt128([.. BitConverter.GetBytes(line.Offset), .. System.Text.Encoding.UTF8.GetBytes(line.Line)]));
        Assert.Equal([("", 4L, Expected(own.Select((l, i) => (offsets[i], l))), "xxh128"), (agent, 1L, Expected([(0, own[0])]), "xxh128")],
            files.Select(f => (f.File, f.Lines, f.Digest!.Value, f.DigestAlgorithm)));
    }

    [Fact]
    public async Task When_a_transcript_is_appended_Should_return_the_conversation_in_order_with_records_and_bad_lines_on_request()
    {
        var s = NewSession();
        var lines = Conversation(s);

        var result = Assert.Single(await Store.AppendAsync(lines, Keep, Cancel));

        Assert.Equal((6, 0, 1, 6L, 0), (result.Added, result.Merged, result.Invalid, result.MessageCount, result.Trimmed));
        var conversation = await Store.PageAsync(s, 0, 100, includeRecords: false, includeRaw: false, Cancel);
        Assert.Equal((4L, 1L), (conversation.Total, conversation.InvalidLines));
        Assert.Equal(["u:u1", "u:a1", "u:a2", "u:u2"], conversation.Messages.Select(m => m.Key));
        // The pairing hash is the store's own (keyed when content is sealed), not part of the message read back.
        Assert.Equal(lines[2] with { Raw = "", Line = null, Tools = [], MatchHash = null }, conversation.Messages[1] with { Tools = [], MatchHash = null });
        Assert.Equal(lines[3].Tools, conversation.Messages[2].Tools);
        var everything = await Store.PageAsync(s, 0, 100, includeRecords: true, includeRaw: true, Cancel);
        Assert.Equal(lines.Select(l => l.Raw).Order(), everything.Messages.Select(m => m.Raw).Order());
        Assert.Equal(6L, everything.Total);
        var second = await Store.PageAsync(s, 1, 2, includeRecords: false, includeRaw: false, Cancel);
        Assert.Equal(["u:a1", "u:a2"], second.Messages.Select(m => m.Key));
    }

    [Fact]
    public async Task When_messages_from_several_batches_and_files_are_read_with_their_lines_Should_give_each_message_its_own_line()
    {
        var s = NewSession();
        const string agent = "subagents/agent-d4e5f6.jsonl";
        // Three batches, kept as three blocks: the session's first lines, its subagent's, then the session's later ones. By time the
        // conversation goes from one block to another and back.
        string[] first = [User(s, "u1", null, 1, "first prompt"), AssistantText(s, "a1", "u1", 4, "first reply")];
        string[] subagent =
        [
            $$$"""{"type":"user","uuid":"s1","parentUuid":null,"isSidechain":true,"timestamp":"{{{Time(2)}}}","sessionId":"{{{s}}}","message":{"role":"user","content":"look at the logs"}}""",
            $$$"""{"type":"user","uuid":"s2","parentUuid":"s1","isSidechain":true,"timestamp":"{{{Time(5)}}}","sessionId":"{{{s}}}","message":{"role":"user","content":"and the traces"}}""",
        ];
        string[] later = [User(s, "u2", "a1", 3, "second prompt"), AssistantText(s, "a2", "u2", 6, "second reply")];
        await Store.AppendAsync(Transcript(s, 0, first), Keep, Cancel);
        await Store.AppendAsync(TranscriptRecordReader.Read(s, 0, subagent, Start, agent).ToList(), Keep, Cancel);
        await Store.AppendAsync(Transcript(s, first.Sum(l => System.Text.Encoding.UTF8.GetByteCount(l) + 1), later), Keep, Cancel);

        var page = await Store.PageAsync(s, 0, 100, includeRecords: true, includeRaw: true, Cancel);

        Assert.Equal(["u1", "s1", "u2", "a1", "s2", "a2"], page.Messages.Select(m => m.Uuid));
        // Each message's line is the one sent with its uuid, as sent.
        var sent = first.Concat(subagent).Concat(later).ToDictionary(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("uuid").GetString()!);
        Assert.Equal(page.Messages.Select(m => sent[m.Uuid!]), page.Messages.Select(m => m.Raw));
    }

    [Fact]
    public async Task When_the_same_lines_are_delivered_again_Should_store_nothing_twice()
    {
        var s = NewSession();
        await Store.AppendAsync(Conversation(s), Keep, Cancel);

        var again = Assert.Single(await Store.AppendAsync(Conversation(s), Keep, Cancel));

        Assert.Equal((0, 0, 6L), (again.Added, again.Merged, again.MessageCount));
        Assert.Equal(6, (await Store.PageAsync(s, 0, 100, true, false, Cancel)).Messages.Count);
    }

    [Fact]
    public async Task When_a_prompt_and_a_reply_reach_the_hooks_first_and_the_transcript_later_Should_keep_one_message_each_seen_both_ways()
    {
        var s = NewSession();
        var prompt = Hook(s, "UserPromptSubmit", "prompt", "list the files", 1);
        var reply = Hook(s, "Stop", "last_assistant_message", "Here they are.", 3);
        await Store.AppendAsync([prompt], Keep, Cancel);
        await Store.AppendAsync([reply], Keep, Cancel);

        var result = Assert.Single(await Store.AppendAsync(Conversation(s), Keep, Cancel));
        await Store.AppendAsync([prompt, reply], Keep, Cancel); // the hooks redelivered change nothing
        // ...and neither does the transcript shipped again, its lines now in rows the hooks made (no hook waits any more)
        var again = Assert.Single(await Store.AppendAsync(Conversation(s), Keep, Cancel));

        Assert.Equal((4, 2), (result.Added, result.Merged));
        Assert.Equal((0, 0, result.MessageCount), (again.Added, again.Merged, again.MessageCount));
        var messages = (await Store.PageAsync(s, 0, 100, false, false, Cancel)).Messages;
        Assert.Equal(4, messages.Count);
        Assert.Equal((prompt.EventId, "u1", MessageSources.Hook | MessageSources.Transcript), (messages[0].EventId, messages[0].Uuid, messages[0].Sources));
        Assert.Equal((reply.EventId, "a1", MessageSources.Hook | MessageSources.Transcript), (messages[1].EventId, messages[1].Uuid, messages[1].Sources));
        Assert.Equal(Start.AddSeconds(1), messages[0].Timestamp);
    }

    [Fact]
    public async Task When_the_transcript_comes_first_and_the_hook_later_Should_join_them_too()
    {
        var s = NewSession();
        await Store.AppendAsync(Conversation(s), Keep, Cancel);

        var result = Assert.Single(await Store.AppendAsync([Hook(s, "UserPromptSubmit", "prompt", "list the files", 1)], Keep, Cancel));

        Assert.Equal((0, 1), (result.Added, result.Merged));
        var first = (await Store.PageAsync(s, 0, 1, false, false, Cancel)).Messages[0];
        Assert.Equal(MessageSources.Hook | MessageSources.Transcript, first.Sources);
    }

    [Fact]
    public async Task When_the_same_prompt_is_sent_twice_Should_keep_two_messages()
    {
        var s = NewSession();
        await Store.AppendAsync([Hook(s, "UserPromptSubmit", "prompt", "continue", 1), Hook(s, "UserPromptSubmit", "prompt", "continue", 5)], Keep, Cancel);

        await Store.AppendAsync(Transcript(s, 0, User(s, "u1", null, 1, "continue"), User(s, "u2", "u1", 5, "continue")), Keep, Cancel);

        var messages = (await Store.PageAsync(s, 0, 100, false, false, Cancel)).Messages;
        Assert.Equal(["u1", "u2"], messages.Select(m => m.Uuid));
        Assert.All(messages, m => Assert.Equal(MessageSources.Hook | MessageSources.Transcript, m.Sources));
    }

    [Fact]
    public async Task When_a_hook_and_a_transcript_line_say_the_same_hours_apart_Should_keep_two_messages_whichever_came_first()
    {
        var (hookFirst, lineFirst) = (NewSession(), NewSession());
        const int hours = 3 * 3600;
        await Store.AppendAsync([Hook(hookFirst, "UserPromptSubmit", "prompt", "continue", 1)], Keep, Cancel);
        await Store.AppendAsync(Transcript(lineFirst, 0, User(lineFirst, "u1", null, 1, "continue")), Keep, Cancel);

        var line = Assert.Single(await Store.AppendAsync(Transcript(hookFirst, 0, User(hookFirst, "u1", null, hours, "continue")), Keep, Cancel));
        var hook = Assert.Single(await Store.AppendAsync([Hook(lineFirst, "UserPromptSubmit", "prompt", "continue", hours)], Keep, Cancel));

        Assert.Equal(((1, 0), (1, 0)), ((line.Added, line.Merged), (hook.Added, hook.Merged)));
        Assert.Equal(2, (await Store.PageAsync(hookFirst, 0, 100, false, false, Cancel)).Messages.Count);
        Assert.Equal(2, (await Store.PageAsync(lineFirst, 0, 100, false, false, Cancel)).Messages.Count);
    }

    [Fact]
    public async Task When_a_line_without_a_timestamp_is_shipped_again_in_another_batch_Should_store_it_once()
    {
        var s = NewSession();
        var undated = $$$"""{"type":"user","uuid":"n1","sessionId":"{{{s}}}","message":{"role":"user","content":"a line with no time"}}""";
        // Its time comes from the capture, which differs between the two shipments.
        await Store.AppendAsync(TranscriptRecordReader.Read(s, 0, [undated], Start).ToList(), Keep, Cancel);

        var again = Assert.Single(await Store.AppendAsync(TranscriptRecordReader.Read(s, 0, [undated, User(s, "u0", null, 7, "after it")], Start.AddHours(2)).ToList(), Keep, Cancel));

        Assert.Equal(1, again.Added);
        Assert.Equal(["n1", "u0"], (await Store.PageAsync(s, 0, 100, false, false, Cancel)).Messages.Select(m => m.Uuid).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task When_a_session_grows_over_its_retention_Should_trim_the_oldest_messages()
    {
        var s = NewSession();
        await Store.AppendAsync(Conversation(s), 4, Cancel);

        var result = Assert.Single(await Store.AppendAsync(Transcript(s, 10_000, User(s, "u9", "u2", 9, "one more")), 4, Cancel));

        Assert.Equal((1, 4L, 1), (result.Added, result.MessageCount, result.Trimmed));
        var left = await Store.PageAsync(s, 0, 100, true, false, Cancel);
        Assert.Equal(4L, left.Total);
        Assert.Equal(["u:a2", "u:u2", left.Messages[2].Key, "u:u9"], left.Messages.Select(m => m.Key));
    }

    [Fact]
    public async Task When_compression_is_off_Should_read_back_the_same_raw_lines()
    {
        var plain = await OpenAsync(compress: false);
        var s = NewSession();
        var big = User(s, "u1", null, 1, new string('ü', 10_000));

        await plain.AppendAsync(Transcript(s, 0, big), Keep, Cancel);

        Assert.Equal(big, (await Store.PageAsync(s, 0, 1, false, true, Cancel)).Messages[0].Raw);
    }

    [Fact]
    public async Task When_messages_are_searched_Should_rank_filter_and_mark_the_matches()
    {
        if (await SearchUnavailableBecauseAsync() is { } reason)
            Assert.Skip(reason);
        var project = "/work/" + Guid.NewGuid().ToString("N")[..8];
        var word = "zebra" + Guid.NewGuid().ToString("N")[..6];
        var s1 = NewSession();
        var s2 = NewSession();
        await Store.AppendAsync(Transcript(s1, 0,
            User(s1, "u1", null, 1, $"please refactor the {word} parser", project),
            AssistantText(s1, "a1", "u1", 2, $"The {word} parser and the {word} lexer are refactored.", project),
            User(s1, "u2", "a1", 3, "thanks, nothing else", project)), Keep, Cancel);
        await Store.AppendAsync(Transcript(s2, 0, User(s2, "u1", null, 50, $"the {word} tests fail")), Keep, Cancel);

        var all = await Store.SearchAsync(new MessageSearch([word], null, null, null, null, null, 10), Cancel);
        var both = await Store.SearchAsync(new MessageSearch([word, "parser"], null, null, null, null, null, 10), Cancel);
        var bySession = await Store.SearchAsync(new MessageSearch([word], s2, null, null, null, null, 10), Cancel);
        var byRole = await Store.SearchAsync(new MessageSearch([word], null, project, "assistant", null, null, 10), Cancel);
        var byTime = await Store.SearchAsync(new MessageSearch([word], null, null, null, Start.AddSeconds(2), Start.AddSeconds(10), 10), Cancel);
        var inSessions = await Store.SearchAsync(new MessageSearch([word], null, null, null, null, null, 1, [s2, NewSession()]), Cancel);
        var inNone = await Store.SearchAsync(new MessageSearch([word], null, null, null, null, null, 10, []), Cancel);

        Assert.Equal(3, all.Count);
        Assert.Equal("u:a1", all[0].Key); // the word twice ranks first
        Assert.Contains(word, Marked(all[0]));
        Assert.Equal(["u:a1", "u:u1"], both.Select(h => h.Key).Order());
        Assert.Equal((s2, "u:u1"), (Assert.Single(bySession).SessionId, bySession[0].Key));
        Assert.Equal(("u:a1", "assistant", project), (Assert.Single(byRole).Key, byRole[0].Role, byRole[0].ProjectDir));
        Assert.Equal("u:a1", Assert.Single(byTime).Key);
        Assert.Equal((s2, "u:u1"), (Assert.Single(inSessions).SessionId, inSessions[0].Key)); // a reader's sessions: the better match elsewhere left out
        Assert.Empty(inNone);
    }

    [Fact]
    public async Task When_a_project_is_searched_Should_find_its_worktrees_messages_too_and_no_other_folder_s()
    {
        if (await SearchUnavailableBecauseAsync() is { } reason)
            Assert.Skip(reason);
        var project = "/work/" + Guid.NewGuid().ToString("N")[..8] + "/app.v2";
        var word = "okapi" + Guid.NewGuid().ToString("N")[..6];
        string[] folders = [project, project + "/.claude/worktrees/fix", project + "/.claude/worktrees/fix/src", project + "-other/.claude/worktrees/fix",
            project[..^3] + "xv2/.claude/worktrees/fix"];
        var sessions = folders.Select(_ => NewSession()).ToList();
        for (var i = 0; i < folders.Length; i++)
            await Store.AppendAsync(Transcript(sessions[i], 0, User(sessions[i], "u1", null, 1, $"where is the {word} config", folders[i])), Keep, Cancel);

        var found = await Store.SearchAsync(new MessageSearch([word], null, project, null, null, null, 10), Cancel);
        var completed = await Store.SearchAsync(new MessageSearch([word], null, project + "/", null, null, null, 10), Cancel); // as a shell completes it

        Assert.Equal(new[] { sessions[0], sessions[1] }.Order(), found.Select(h => h.SessionId).Order());
        Assert.Equal(new[] { sessions[0], sessions[1] }.Order(), completed.Select(h => h.SessionId).Order());
    }

    [Fact]
    public async Task When_a_tool_was_called_Should_find_the_call_by_its_input_and_the_result_by_its_output_and_forget_them_with_their_rows()
    {
        if (await SearchUnavailableBecauseAsync() is { } reason)
            Assert.Skip(reason);
        var s = NewSession();
        var command = "grep -rn flock" + Guid.NewGuid().ToString("N")[..6];
        var output = "lockfile" + Guid.NewGuid().ToString("N")[..6];
        await Store.AppendAsync(Transcript(s, 0,
            User(s, "u1", null, 1, "why does the build hang"),
            AssistantToolUse(s, "a1", "u1", 2, "toolu_1", command),
            ToolResult(s, "u2", "a1", 3, "toolu_1", $"src/build.sh:12: waits on {output}")), Keep, Cancel);

        var call = Assert.Single(await Store.SearchAsync(new MessageSearch([command.Split(' ')[^1]], s, null, "assistant", null, null, 10), Cancel));
        var result = Assert.Single(await Store.SearchAsync(new MessageSearch([output], s, null, "tool", null, null, 10), Cancel));

        Assert.Equal("u:a1", call.Key);
        Assert.Contains("Bash", call.Snippet);
        Assert.Equal(("u:u2", "tool"), (result.Key, result.Role));
        Assert.Equal([output], Marked(result));
        await Store.DeleteSessionAsync(s, Cancel);
        Assert.Empty(await Store.SearchAsync(new MessageSearch([output], null, null, null, null, null, 10), Cancel));
    }

    /// <summary>A passage's own brackets (code, a redaction's marker) are shown as they are; only the matched words are marked.</summary>
    [Fact]
    public async Task When_a_found_message_holds_brackets_Should_keep_them_and_mark_only_the_matched_words()
    {
        if (await SearchUnavailableBecauseAsync() is { } reason)
            Assert.Skip(reason);
        var s = NewSession();
        var word = "pangolin" + Guid.NewGuid().ToString("N")[..6];
        var text = $"password=[redacted:password], args[0] and the {word} list [a, b]";
        await Store.AppendAsync(Transcript(s, 0, User(s, "u1", null, 1, text)), Keep, Cancel);

        var hit = Assert.Single(await Store.SearchAsync(new MessageSearch([word], s, null, null, null, null, 10), Cancel));

        Assert.Equal(text, hit.Snippet);
        Assert.Equal([word], Marked(hit));
    }

    /// <summary>The words a hit's marks point at, read out of its snippet.</summary>
    private static List<string> Marked(SearchHit hit) => [.. (hit.Marks ?? []).Select(m => hit.Snippet.Substring(m.Start, m.Length))];

    [Fact]
    public async Task When_nothing_matches_Should_find_nothing_rather_than_fail()
    {
        if (await SearchUnavailableBecauseAsync() is { } reason)
            Assert.Skip(reason);
        var s = NewSession();
        await Store.AppendAsync(Conversation(s), Keep, Cancel);

        Assert.Empty(await Store.SearchAsync(new MessageSearch(["\"OR", "NEAR(", "nothing" + Guid.NewGuid().ToString("N")], s, null, null, null, null, 10), Cancel));
    }

    [Fact]
    public async Task When_cleanup_runs_Should_trim_sessions_over_retention_or_size_oldest_first_and_leave_the_rest()
    {
        var small = NewSession();
        var big = NewSession();
        var other = NewSession();
        await Store.AppendAsync(Conversation(small), Keep, Cancel);
        await Store.AppendAsync(Transcript(big, 0, Enumerable.Range(0, 6).Select(i => User(big, "u" + i, null, i, new string('b', 3_000) + i)).ToArray()), Keep, Cancel);
        await Store.AppendAsync(Conversation(other), Keep, Cancel);

        var (trimmed, bytes) = await Store.CleanupAsync(retention: 5, maxSessionBytes: (long)(10_000 * StoredSizeFactor), Cancel);

        Assert.True(trimmed >= 1 + 3 + 1 && bytes > 0);
        var smallLeft = await Store.PageAsync(small, 0, 100, true, false, Cancel);
        Assert.Equal(5L, smallLeft.Total);
        Assert.DoesNotContain(smallLeft.Messages, m => m.Key == "u:u1");
        var bigLeft = await Store.PageAsync(big, 0, 100, true, false, Cancel);
        Assert.Equal(["u:u3", "u:u4", "u:u5"], bigLeft.Messages.Select(m => m.Key));
    }

    [Fact]
    public async Task When_a_tool_output_file_is_kept_Should_give_its_bytes_back_take_a_changed_file_and_go_with_its_session()
    {
        var (s, other) = (NewSession(), NewSession());
        var output = System.Text.Encoding.UTF8.GetBytes(string.Join('\n', Enumerable.Range(1, 20_000)) + "\n");
        var changed = System.Text.Encoding.UTF8.GetBytes("only this now\n");
        ToolResultCaptured Captured(string name, string sha, byte[] bytes)
        {
            var (content, encoding) = TranscriptContent.Pack(bytes, compress: true);
            return new ToolResultCaptured(s, name, sha, bytes.Length, content, encoding, Start, "laptop", "dev");
        }
        async Task<string?> ReadAsync(string session, string name) => // unpacked by the test's own decoders
            await Store.ToolResultAsync(session, name, Cancel) is { } kept ? SessionManagement.Testing.SqliteFile.Unpacked(kept.Content, kept.Encoding) : null;

        Assert.True(await Store.SaveToolResultAsync(Captured("b1x.txt", "sha-first", output), Cancel));
        Assert.False(await Store.SaveToolResultAsync(Captured("b1x.txt", "sha-first", output), Cancel)); // the same file again
        Assert.True(await Store.SaveToolResultAsync(Captured("a0y.txt", "sha-small", changed), Cancel));

        var listed = await Store.ToolResultsAsync(s, Cancel);
        Assert.Equal(["a0y.txt", "b1x.txt"], listed.Select(f => f.Name));
        Assert.Equal((output.LongLength, "sha-first", Start), (listed[1].Length, listed[1].SourceSha256, listed[1].CapturedAt));
        Assert.Equal(System.Text.Encoding.UTF8.GetString(output), await ReadAsync(s, "b1x.txt"));
        Assert.Null(await ReadAsync(s, "none.txt"));
        Assert.Null(await ReadAsync(other, "b1x.txt"));
        Assert.Empty(await Store.ToolResultsAsync(other, Cancel));

        Assert.True(await Store.SaveToolResultAsync(Captured("b1x.txt", "sha-changed", changed), Cancel)); // read from another file: it replaces it
        Assert.Equal("only this now\n", await ReadAsync(s, "b1x.txt"));
        Assert.Equal(2, (await Store.ToolResultsAsync(s, Cancel)).Count);

        await Store.DeleteSessionAsync(s, Cancel);
        Assert.Empty(await Store.ToolResultsAsync(s, Cancel));
        Assert.Null(await ReadAsync(s, "b1x.txt"));
    }

    /// <summary>
    /// For a store that seals under <c>test-1</c>: a tool output kept, the key rotated to <c>test-2</c> (<paramref name="open"/> opens the
    /// store sealing under the keys given), the store walked, then opened with the new key alone: the output still opens.
    /// </summary>
    protected async Task RotationSealsToolOutputsAgainAsync(Func<SessionManagement.Hosting.Security.AtRest, Task<IChatStore>> open)
    {
        var s = NewSession();
        var bytes = System.Text.Encoding.UTF8.GetBytes("the full output\n");
        var (content, encoding) = TranscriptContent.Pack(bytes, compress: true);
        await Store.SaveToolResultAsync(new ToolResultCaptured(s, "out.txt", "sha", bytes.Length, content, encoding, Start, "laptop", "dev"), Cancel);

        var rotated = SessionManagement.Hosting.Security.AtRest.With([("test-2", SessionManagement.Testing.TestKeys.Second), ("test-1", SessionManagement.Testing.TestKeys.First)]);
        var walker = (SessionManagement.Hosting.Security.IAtRestRecords)await open(rotated);
        string? cursor = null;
        var resealed = 0;
        do
        {
            var (next, count) = await walker.ResealAsync(rotated, cursor, SessionManagement.Hosting.Security.AtRestResealer.Chunk, Cancel);
            (cursor, resealed) = (next, resealed + count);
        }
        while (cursor is not null);
        var after = await open(SessionManagement.Hosting.Security.AtRest.With([("test-2", SessionManagement.Testing.TestKeys.Second)])); // the old key given up

        Assert.True(resealed >= 1);
        var kept = await after.ToolResultAsync(s, "out.txt", Cancel);
        Assert.Equal("the full output\n", SessionManagement.Testing.SqliteFile.Unpacked(kept!.Value.Content, kept.Value.Encoding));
    }

    [Fact]
    public async Task When_a_session_is_deleted_Should_leave_nothing_of_it()
    {
        var s = NewSession();
        await Store.AppendAsync(Conversation(s), Keep, Cancel);

        var removed = await Store.DeleteSessionAsync(s, Cancel);

        Assert.Equal(6, removed);
        Assert.Equal(0, (await Store.PageAsync(s, 0, 100, true, false, Cancel)).Total);
    }

    /// <summary>A page's lines as the test reads them: its bytes split at each line break, paired with the offsets in order.</summary>
    [Fact]
    public async Task When_sessions_hold_transcript_lines_Should_list_them_in_id_order_a_page_at_a_time_and_no_session_of_hooks_alone()
    {
        var prefix = "list-" + Guid.NewGuid().ToString("N")[..8];
        var (a, b, c, hooksOnly) = (prefix + "-a", prefix + "-b", prefix + "-c", prefix + "-h");
        foreach (var s in new[] { c, a, b })
            await Store.AppendAsync(Transcript(s, 0, User(s, "u1", null, 1, "hello")), Keep, Cancel);
        await Store.AppendAsync([Hook(hooksOnly, "UserPromptSubmit", "prompt", "hooks only", 1)], Keep, Cancel);

        Assert.Equal([a, b], await Store.TranscriptSessionsAsync(prefix, 2, Cancel));
        Assert.Equal([c], (await Store.TranscriptSessionsAsync(b, 100, Cancel)).Where(s => s.StartsWith(prefix, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task When_a_store_that_lost_a_session_is_given_its_transcript_backups_Should_hold_every_line_again_at_its_offset()
    {
        var s = NewSession();
        string[] first = [User(s, "u1", null, 1, "list the files"), AssistantText(s, "a1", "u1", 2, "Here they are."), "{broken"];
        string[] later = [AssistantToolUse(s, "a2", "a1", 3, "toolu_1", "ls"), ToolResult(s, "u2", "a2", 4, "toolu_1", "README.md")]; // after a gap in the file
        string[] agent = [User(s, "s1", null, 2, "look"), AssistantText(s, "s2", "s1", 3, "seen")];
        const string agentFile = "subagents/agent-b1.jsonl";
        await Store.AppendAsync(Transcript(s, 0, first), Keep, Cancel);
        await Store.AppendAsync(Transcript(s, 5_000, later), Keep, Cancel);
        await Store.AppendAsync(TranscriptRecordReader.Read(s, 0, agent, Start, agentFile).ToList(), Keep, Cancel);
        using var folder = new SessionManagement.Testing.TempDirectory();
        var backups = new SessionManagement.Chat.Backups.TranscriptBackups(
            Microsoft.Extensions.Options.Options.Create(new SessionManagement.Hosting.Options.StorageOptions { DataDirectory = folder.Path }), Store,
            Microsoft.Extensions.Options.Options.Create(new SessionManagement.Hosting.Options.ChatManagementOptions()),
            SessionManagement.Hosting.Security.AtRest.Off, Microsoft.Extensions.Logging.Abstractions.NullLogger<SessionManagement.Chat.Backups.TranscriptBackups>.Instance);

        var output = System.Text.Encoding.UTF8.GetBytes(string.Join('\n', Enumerable.Range(1, 9_000)) + "\n");
        var (packed, encoding) = TranscriptContent.Pack(output, compress: true);
        await Store.SaveToolResultAsync(new ToolResultCaptured(s, "b7q.txt", "sha-of-its-file", output.Length, packed, encoding, Start, "laptop", "dev"), Cancel);
        var before = System.Text.Encoding.UTF8.GetBytes("the file before the edit\n"); // Claude Code's checkpoint of a file, kept the same way
        var (checkpoint, checkpointEncoding) = TranscriptContent.Pack(before, compress: true);
        await Store.SaveToolResultAsync(new ToolResultCaptured(s, "file-history/0123456789abcdef@v1", "sha-of-the-copy", before.Length, checkpoint, checkpointEncoding,
            Start, "laptop", "dev"), Cancel);

        Assert.Equal(4, await backups.BackUpSessionAsync(s, Cancel)); // its own transcript, its subagent's, its tool output, its checkpoint
        Assert.Equal(0, await backups.BackUpSessionAsync(s, Cancel)); // nothing changed since
        await Store.DeleteSessionAsync(s, Cancel);
        Assert.Empty(await Store.TranscriptFilesAsync(s, Cancel));
        Assert.Empty(await Store.ToolResultsAsync(s, Cancel));
        foreach (var file in backups.Files())
            Assert.NotNull(await backups.RestoreAsync(file, Cancel));
        Assert.Equal(2, backups.OutputFiles().Count());
        foreach (var file in backups.OutputFiles())
            Assert.True(await backups.RestoreOutputAsync(file, Cancel));
        var kept = (await Store.ToolResultsAsync(s, Cancel)).ToList();
        Assert.Equal([("b7q.txt", "sha-of-its-file", (long)output.Length), ("file-history/0123456789abcdef@v1", "sha-of-the-copy", (long)before.Length)],
            kept.Select(k => (k.Name, k.SourceSha256, k.Length)));
        var back = await Store.ToolResultAsync(s, "b7q.txt", Cancel);
        Assert.Equal(System.Text.Encoding.UTF8.GetString(output), SessionManagement.Testing.SqliteFile.Unpacked(back!.Value.Content, back.Value.Encoding));
        var copy = await Store.ToolResultAsync(s, "file-history/0123456789abcdef@v1", Cancel);
        Assert.Equal("the file before the edit\n", SessionManagement.Testing.SqliteFile.Unpacked(copy!.Value.Content, copy.Value.Encoding));
        foreach (var file in backups.OutputFiles())
            Assert.False(await backups.RestoreOutputAsync(file, Cancel)); // held again: left as it is

        static List<long> Offsets(long start, string[] lines) => [.. lines.Select((_, i) => start + lines.Take(i).Sum(l => System.Text.Encoding.UTF8.GetByteCount(l) + 1))];
        var own = Split(await Store.TranscriptLinesAsync(s, "", -1, 100, long.MaxValue, Cancel));
        Assert.Equal([.. first, .. later], own.Select(l => l.Raw));
        Assert.Equal([.. Offsets(0, first), .. Offsets(5_000, later)], own.Select(l => l.Offset));
        var subagent = Split(await Store.TranscriptLinesAsync(s, agentFile, -1, 100, long.MaxValue, Cancel));
        Assert.Equal(agent, subagent.Select(l => l.Raw));
        Assert.Equal(Offsets(0, agent), subagent.Select(l => l.Offset));
        foreach (var file in backups.Files())
            Assert.Null(await backups.RestoreAsync(file, Cancel)); // held now: nothing is put back twice
    }

    [Fact]
    public async Task When_a_session_is_purged_while_a_backup_run_reads_it_Should_keep_its_backup_whole()
    {
        var s = NewSession();
        string[] first = [User(s, "u1", null, 1, "where is the config"), AssistantText(s, "a1", "u1", 2, "In etc.")];
        string[] later = [User(s, "u2", "a1", 3, "and the logs"), AssistantText(s, "a2", "u2", 4, "In var/log.")];
        string[] last = [User(s, "u3", "a2", 5, "thanks")];
        await Store.AppendAsync(Transcript(s, 0, first), Keep, Cancel);
        using var folder = new SessionManagement.Testing.TempDirectory();
        // The store as a scheduled run meets it: right after the run listed the session's files (so that it found their backups behind),
        // a line came and the session was backed up and purged (cleanup's SessionPurged), before the run read the lines to write.
        var store = System.Reflection.DispatchProxy.Create<IChatStore, PurgedAfterListing>();
        var hook = (PurgedAfterListing)(object)store;
        hook.Inner = Store;
        var backups = new SessionManagement.Chat.Backups.TranscriptBackups(
            Microsoft.Extensions.Options.Options.Create(new SessionManagement.Hosting.Options.StorageOptions { DataDirectory = folder.Path }), store,
            Microsoft.Extensions.Options.Options.Create(new SessionManagement.Hosting.Options.ChatManagementOptions()),
            SessionManagement.Hosting.Security.AtRest.Off, Microsoft.Extensions.Logging.Abstractions.NullLogger<SessionManagement.Chat.Backups.TranscriptBackups>.Instance);
        Assert.Equal(1, await backups.BackUpSessionAsync(s, Cancel));
        await Store.AppendAsync(Transcript(s, 5_000, later), Keep, Cancel); // the backup is behind: the next run writes it again
        hook.AfterListing = async () =>
        {
            await Store.AppendAsync(Transcript(s, 9_000, last), Keep, Cancel);
            await backups.BackUpAndPurgeAsync(s, () => Store.DeleteSessionAsync(s, Cancel), Cancel);
        };

        var written = await backups.BackUpSessionAsync(s, Cancel);

        Assert.Equal(0, written);
        Assert.Empty(await Store.TranscriptFilesAsync(s, Cancel));
        Assert.Equal(5, (await backups.RestoreSessionAsync(s, [], Cancel)).Lines);
        Assert.Equal([.. first, .. later, .. last], Split(await Store.TranscriptLinesAsync(s, "", -1, 100, long.MaxValue, Cancel)).Select(l => l.Raw));
    }

    /// <summary>A store that runs <see cref="AfterListing"/> once, right after it lists a session's transcript files.</summary>
    public class PurgedAfterListing : System.Reflection.DispatchProxy
    {
        public IChatStore Inner { get; set; } = null!;

        public Func<Task>? AfterListing { get; set; }

        protected override object? Invoke(System.Reflection.MethodInfo? targetMethod, object?[]? args)
        {
            var result = targetMethod!.Invoke(Inner, args);
            if (targetMethod.Name != nameof(IChatStore.TranscriptFilesAsync) || AfterListing is not { } after)
                return result;
            AfterListing = null;
            return ThenAsync((Task<IReadOnlyList<(string File, long Lines, long FirstOffset, UInt128? Digest, string? DigestAlgorithm)>>)result!, after);
        }

        private static async Task<T> ThenAsync<T>(Task<T> listing, Func<Task> after)
        {
            var files = await listing;
            await after();
            return files;
        }
    }

    private static List<(long Offset, string Raw)> Split(TranscriptBytes page)
    {
        using var _ = page;
        var text = System.Text.Encoding.UTF8.GetString(page.Lines.Bytes.Span);
        Assert.EndsWith("\n", text.Length == 0 ? "\n" : text, StringComparison.Ordinal);
        var raws = text.Length == 0 ? [] : text[..^1].Split('\n');
        Assert.Equal(page.Offsets.Count, raws.Length);
        return page.Offsets.Zip(raws).ToList();
    }
}
