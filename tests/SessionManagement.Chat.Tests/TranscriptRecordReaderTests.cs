using System.Text;
using SessionManagement.Chat.Messages;
using static SessionManagement.Testing.TranscriptLines;

namespace SessionManagement.Chat.Tests;

public sealed class TranscriptRecordReaderTests
{
    private const string Session = "s-reader";

    private static List<ChatMessage> Read(long offset, params string[] lines) =>
        TranscriptRecordReader.Read(Session, offset, lines, Start.AddHours(1)).ToList();

    [Fact]
    public void When_a_conversation_is_read_Should_draw_role_text_tools_and_usage_from_each_record()
    {
        var messages = Read(0,
            User(Session, "u1", null, 1, "list the files"),
            AssistantText(Session, "a1", "u1", 2, "Let me look."),
            AssistantToolUse(Session, "a2", "a1", 3, "toolu_1", "ls -la"),
            ToolResult(Session, "u2", "a2", 4, "toolu_1", "README.md", error: true));

        Assert.Equal(["user", "assistant", "assistant", "tool"], messages.Select(m => m.Role));
        Assert.All(messages, m => Assert.Equal(MessageKind.Message, m.Kind));
        Assert.Equal(("list the files", "u1", (string?)null), (messages[0].Text, messages[0].Uuid, messages[0].ParentUuid));
        Assert.Equal(Start.AddSeconds(1), messages[0].Timestamp);
        Assert.Equal("/work/shop", messages[0].ProjectDir);
        Assert.Equal(("Let me look.", "claude-opus-4-20250514"), (messages[1].Text, messages[1].Model));
        Assert.Equal(new Contracts.Chat.TokenUsageView(12, 34, 5, 6), messages[1].Usage);
        var use = Assert.Single(messages[2].Tools);
        Assert.Equal(("use", "toolu_1", "Bash"), (use.Kind, use.ToolUseId, use.Name));
        Assert.Contains("ls -la", use.Summary);
        var result = Assert.Single(messages[3].Tools);
        Assert.Equal(("result", "toolu_1", "README.md", true), (result.Kind, result.ToolUseId, result.Summary, result.IsError));
        Assert.NotNull(messages[0].MatchHash);
        Assert.Null(messages[3].MatchHash);
    }

    /// <summary>The record Claude Code 2.1.330 wrote for <c>/greet bob</c>, as found in its transcript: read as typed, so its hook's prompt joins it.</summary>
    [Theory]
    [InlineData("<command-message>greet</command-message>\n<command-name>/greet</command-name>\n<command-args>bob</command-args>", "/greet bob")]
    [InlineData("<command-name>/clear</command-name>\n            <command-message>clear</command-message>\n            <command-args></command-args>", "/clear")]
    [InlineData("see <command-name>/greet</command-name>", "see <command-name>/greet</command-name>")]
    [InlineData("<command-name>/greet</command-name> and more words", "<command-name>/greet</command-name> and more words")]
    public void When_a_slash_command_is_read_Should_read_it_as_typed(string content, string typed)
    {
        var line = System.Text.Json.JsonSerializer.Serialize(new { type = "user", uuid = "u1", sessionId = Session, message = new { role = "user", content } });

        var message = Read(0, line).Single();

        Assert.Equal(typed, message.Text);
        Assert.Equal(MessageText.MatchHash("user", typed), message.MatchHash);
    }

    /// <summary>
    /// A slash command's expansion, as Claude Code 2.1.330 wrote it for <c>/greet bob</c> (<c>isMeta</c>): not the user's words, so a record
    /// beside the conversation, its text kept; a tool result written the same way stays what it is.
    /// </summary>
    [Fact]
    public void When_Claude_Code_writes_text_in_the_users_name_Should_keep_it_as_a_record_beside_the_conversation()
    {
        var expansion = System.Text.Json.JsonSerializer.Serialize(new
        {
            parentUuid = "u1", isSidechain = false, type = "user", isMeta = true, uuid = "u2", sessionId = Session,
            message = new { role = "user", content = new[] { new { type = "text", text = "Say hello to bob and write hello to a file.\n" } } },
        });
        var typed = System.Text.Json.JsonSerializer.Serialize(new { type = "user", isMeta = false, uuid = "u3", sessionId = Session, message = new { role = "user", content = "hi" } });
        var result = System.Text.Json.JsonSerializer.Serialize(new
        {
            type = "user", isMeta = true, uuid = "u4", sessionId = Session,
            message = new { role = "user", content = new[] { new { type = "tool_result", tool_use_id = "toolu_4", content = "done" } } },
        });

        var messages = Read(0, expansion, typed, result);

        Assert.Equal((MessageKind.Record, (string?)null, "Say hello to bob and write hello to a file.\n", (string?)null),
            (messages[0].Kind, messages[0].Role, messages[0].Text, messages[0].MatchHash));
        Assert.Equal(("u2", "u1"), (messages[0].Uuid, messages[0].ParentUuid));
        Assert.Equal((MessageKind.Message, "user"), (messages[1].Kind, messages[1].Role));
        Assert.Equal((MessageKind.Message, "tool"), (messages[2].Kind, messages[2].Role));
    }

    /// <summary>What <c>/compact</c> printed, as Claude Code 2.1.330 wrote it in the user's name: Claude Code's words, read as a system message.</summary>
    [Theory]
    [InlineData("<local-command-stdout>Compacted (ctrl+o to see full summary)\nPreCompact [sm-hook] completed successfully</local-command-stdout>",
        "system", "Compacted (ctrl+o to see full summary)\nPreCompact [sm-hook] completed successfully")]
    [InlineData("<local-command-stderr>Error: no such command</local-command-stderr>", "system", "Error: no such command")]
    [InlineData("why does <local-command-stdout>x</local-command-stdout> show up?", "user", "why does <local-command-stdout>x</local-command-stdout> show up?")]
    public void When_a_local_commands_output_is_read_Should_be_a_system_message_not_a_prompt(string content, string role, string text)
    {
        var line = System.Text.Json.JsonSerializer.Serialize(new { type = "user", uuid = "u6", sessionId = Session, message = new { role = "user", content } });

        var message = Read(0, line).Single();

        Assert.Equal((role, text), (message.Role, message.Text));
    }

    /// <summary>The summary Claude Code 2.1.330 wrote after <c>/compact</c> (a user record, <c>isCompactSummary</c>): read as a summary, never a prompt.</summary>
    [Fact]
    public void When_a_compaction_summary_is_read_Should_be_a_summary_not_a_prompt()
    {
        var line = System.Text.Json.JsonSerializer.Serialize(new
        {
            parentUuid = "d6a17413", isSidechain = false, type = "user", isVisibleInTranscriptOnly = true, isCompactSummary = true, uuid = "u5",
            sessionId = Session, message = new { role = "user", content = "This session is being continued from a previous conversation that ran out of context." },
        });

        var message = Read(0, line).Single();

        Assert.Equal((MessageKind.Message, "summary", (string?)null), (message.Kind, message.Role, message.MatchHash));
        Assert.StartsWith("This session is being continued", message.Text);
    }

    [Theory]
    [InlineData("plain text ")]
    [InlineData("a \"quoted\" path\\to\\file\n")]
    [InlineData("naïve café — ünïcödé ✓ 🚀 ")]
    public void When_a_tool_output_is_huge_Should_summarise_its_first_characters_exactly(string piece)
    {
        var output = string.Concat(Enumerable.Repeat(piece, 300_000 / piece.Length));
        var big = Read(0, ToolResult(Session, "u9", "a9", 9, "toolu_9", output)).Single().Tools.Single().Summary;
        var inArray = Read(0, System.Text.Json.JsonSerializer.Serialize(new
        {
            type = "user", uuid = "u10", sessionId = Session,
            message = new { role = "user", content = new object[] { new { type = "tool_result", tool_use_id = "toolu_10", content = new object[] { new { type = "text", text = output } } } } },
        })).Single().Tools.Single().Summary;

        Assert.Equal(output[..MessageText.MaxSummaryCharacters], big);
        Assert.Equal(output[..MessageText.MaxSummaryCharacters], inArray);
    }

    [Fact]
    public void When_lines_cannot_be_read_Should_keep_each_raw_with_the_reason()
    {
        string[] lines =
        [
            "not json at all",
            "[1,2,3]",
            """{"uuid":"x"}""",
            """{"type":"assistant","uuid":"a9"}""",
            """{"type":"some-future-record","payload":{"deep":[1,2]}}""",
            """{"type":"sm-oversized-line","offset":10,"length":90000000}""",
            """{"type":"user","message":{"role":"user","content":"trailing garbage"}} }""",
        ];

        var messages = Read(0, lines);

        Assert.Equal(lines, messages.Select(m => m.Raw));
        Assert.Equal([MessageKind.Invalid, MessageKind.Invalid, MessageKind.Invalid, MessageKind.Message, MessageKind.Record, MessageKind.Record, MessageKind.Invalid],
            messages.Select(m => m.Kind));
        Assert.StartsWith("not JSON", messages[0].Problem);
        Assert.Contains("Array", messages[1].Problem);
        Assert.Equal("no record type", messages[2].Problem);
        Assert.Equal("no message", messages[3].Problem);
        Assert.Null(messages[4].Problem);
        Assert.Contains("90000000 bytes", messages[5].Problem);
        Assert.StartsWith("not JSON", messages[6].Problem);
    }

    [Fact]
    public void When_lines_carry_no_uuid_Should_key_them_by_their_byte_offset_and_content()
    {
        var first = "{\"type\":\"note\",\"text\":\"héllo ✓\"}";
        var second = Bookkeeping(Session);

        var messages = Read(1_000, first, second, second);
        var again = Read(1_000, first, second, second);

        var secondOffset = 1_000 + Encoding.UTF8.GetByteCount(first) + 1;
        Assert.Equal([1_000L, secondOffset, secondOffset + Encoding.UTF8.GetByteCount(second) + 1], messages.Select(m => m.Sequence));
        Assert.Equal(3, messages.Select(m => m.Key).Distinct().Count());
        Assert.Equal(messages.Select(m => m.Key), again.Select(m => m.Key));
    }

    [Fact]
    public void When_a_line_has_no_timestamp_Should_take_the_time_of_the_line_before_it()
    {
        var messages = Read(0, Bookkeeping(Session), User(Session, "u1", null, 7, "hi"), Bookkeeping(Session));

        Assert.Equal([Start.AddHours(1), Start.AddSeconds(7), Start.AddSeconds(7)], messages.Select(m => m.Timestamp));
    }

    [Fact]
    public void When_text_is_longer_than_the_searchable_bound_Should_keep_the_bound_in_text_and_all_of_it_raw()
    {
        var huge = new string('x', MessageText.MaxCharacters * 3);
        var message = Assert.Single(Read(0, User(Session, "u1", null, 1, huge)));

        Assert.Equal(MessageText.MaxCharacters, message.Text.Length);
        Assert.Contains(huge, message.Raw);
    }

    [Fact]
    public void When_a_prompt_reaches_the_hook_and_the_transcript_Should_hash_the_same_both_ways()
    {
        var transcript = Assert.Single(Read(0, User(Session, "u1", null, 1, "fix the build\r\n")));

        Assert.Equal(MessageText.MatchHash("user", "  fix the build\n"), transcript.MatchHash);
        Assert.NotEqual(MessageText.MatchHash("assistant", "fix the build"), transcript.MatchHash);
    }

    [Fact]
    public void When_text_comes_escaped_in_several_blocks_Should_give_each_block_unescaped_on_a_line_of_its_own()
    {
        var relaxed = new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        // Each block's JSON as a writer makes it: plain, with escapes (every non-ASCII character as \uXXXX), or raw UTF-8.
        string[] blocks =
        [
            "plain ascii",
            System.Text.Json.JsonSerializer.Serialize("a \"quoted\" path\\to\\file\ttab\r\nnext")[1..^1],
            System.Text.Json.JsonSerializer.Serialize("naïve café — ünïcödé ✓ 🚀 \u2028")[1..^1],
            System.Text.Json.JsonSerializer.Serialize("naïve café — ünïcödé ✓ 🚀", relaxed)[1..^1],
            "",
            new string('y', MessageText.MaxCharacters) + "\\n past the bound",
        ];
        var line = "{\"type\":\"assistant\",\"uuid\":\"a1\",\"timestamp\":\"2026-11-01T09:00:03.1234567+02:00\",\"message\":{\"role\":\"assistant\",\"content\":["
            + string.Join(",", blocks.Select(b => "{\"type\":\"text\",\"text\":\"" + b + "\"}")) + "]}}";
        var summary = "{\"type\":\"summary\",\"summary\":" + System.Text.Json.JsonSerializer.Serialize("fixed \"it\"\né")
            + ",\"leafUuid\":\"a1\",\"timestamp\":\"1 Nov 2026 09:00:04 +00:00\"}";

        var messages = Read(0, line, summary);

        // What the line says, read by System.Text.Json's node model, not by the reader under test.
        var texts = System.Text.Json.Nodes.JsonNode.Parse(line)!["message"]!["content"]!.AsArray()
            .Select(b => (string)b!["text"]!).Where(t => t.Length > 0).ToList();
        Assert.Equal(5, texts.Count);
        Assert.Equal(string.Join("\n", texts)[..MessageText.MaxCharacters], messages[0].Text);
        Assert.StartsWith("plain ascii\na \"quoted\" path\\to\\file\ttab\r\nnext\nnaïve café — ünïcödé ✓ 🚀 \u2028\nnaïve café — ünïcödé ✓ 🚀\nyyy",
            messages[0].Text);
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 9, 0, 3, TimeSpan.FromHours(2)).AddTicks(1234567), messages[0].Timestamp);
        Assert.Equal("fixed \"it\"\né", messages[1].Text);
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 9, 0, 4, TimeSpan.Zero), messages[1].Timestamp); // not ISO 8601: parsed as text
    }

    [Fact]
    public void When_a_line_holds_bytes_that_are_not_UTF_8_Should_read_it_with_replacement_characters_and_keep_its_bytes()
    {
        // JSON all the same (System.Text.Json accepts it, and threw only when the text was read, failing the whole batch).
        byte[] line = [.. "{\"type\":\"user\",\"uuid\":\"u-bad\",\"message\":{\"role\":\"user\",\"content\":\"caf"u8, 0xE9, .. " \\ud800 ok\"}}"u8];
        using (var document = System.Text.Json.JsonDocument.Parse(line))
            Assert.Throws<InvalidOperationException>(() => document.RootElement.GetProperty("message").GetProperty("content").GetString());
        var (stored, encoding) = SessionManagement.Contracts.Gateway.TranscriptContent.Pack(line, compress: false);
        using var block = new TranscriptBlock(Session, 0, line.Length, line, stored, encoding);

        var message = Assert.Single(TranscriptRecordReader.Read(block, Start).ToList());

        Assert.Equal((MessageKind.Message, "user", "u-bad"), (message.Kind, message.Role, message.Uuid));
        Assert.Equal("caf\uFFFD \uFFFD ok", message.Text);
        Assert.Equal(line, message.Line!.Block.Line(message.Line.Start, message.Line.Length).ToArray());
    }
}
