using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Security.Cryptography;
using System.Text.Json;
using SessionManagement.Testing;
using static SessionManagement.Testing.TranscriptLines;

namespace SessionManagement.Gateway.Tests.ReadApi;

public sealed class ReadApiTests(EmbeddedHost embedded) : IClassFixture<EmbeddedHost>
{
    private HttpClient Http => embedded.Host.Http;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static string NewSession() => "read-" + Guid.NewGuid().ToString("N")[..12];

    private async Task<JsonElement> GetJsonAsync(string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await Http.GetAsync(path, Cancel);
        var body = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(expected == response.StatusCode, $"GET {path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private async Task<JsonElement> ImportAsync(string query, string content, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await Http.PostAsync("/api/sessions/import" + query, new StringContent(content, Encoding.UTF8, "application/x-ndjson"), Cancel);
        var body = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(expected == response.StatusCode, $"import: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private async Task PostHookAsync(string json)
    {
        using var response = await Http.PostAsync("/hooks", new StringContent(json, Encoding.UTF8, "application/json"), Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task When_a_session_is_captured_and_its_transcript_imported_Should_list_page_search_and_export_it()
    {
        var s = NewSession();
        var project = "/work/" + s;
        var word = "quokka" + Guid.NewGuid().ToString("N")[..6];
        await PostHookAsync($$"""{"session_id":"{{s}}","hook_event_name":"SessionStart","source":"startup","cwd":"{{project}}"}""");
        await PostHookAsync($$"""{"session_id":"{{s}}","hook_event_name":"UserPromptSubmit","prompt":"rename the {{word}} module","cwd":"{{project}}"}""");
        // The transcript's lines are written as its hooks fire (a hook and its line join only when written near each other).
        var now = (int)(DateTimeOffset.UtcNow - Start).TotalSeconds;
        string[] lines =
        [
            User(s, "u1", null, now + 1, $"rename the {word} module", project),
            AssistantToolUse(s, "a1", "u1", now + 2, "toolu_1", $"git mv {word}.cs renamed.cs"),
            ToolResult(s, "u2", "a1", now + 3, "toolu_1", "done"),
            AssistantText(s, "a2", "u2", now + 4, $"Renamed the {word} module.", project),
            Bookkeeping(s),
            "{\"type\":\"user\",\"message\":",
        ];
        // The saver has the session once it lists it; the prompt hook must be stored before the transcript to be joined.
        await Eventually.ReturnsAsync(() => GetJsonAsync($"/api/sessions/{s}/messages"), page => page.GetProperty("total").GetInt64() == 1,
            TimeSpan.FromSeconds(30), "the prompt stored from its hook");

        var imported = await ImportAsync($"?session={s}&name=transcript.jsonl", string.Join("\n", lines));
        var again = await ImportAsync($"?session={s}", string.Join("\n", lines) + "\n");

        Assert.Equal((6, 5, 1, 1), (imported.GetProperty("lines").GetInt32(), imported.GetProperty("added").GetInt32(),
            imported.GetProperty("merged").GetInt32(), imported.GetProperty("invalidLines").GetInt32()));
        Assert.Equal((0, 0), (again.GetProperty("added").GetInt32(), again.GetProperty("merged").GetInt32()));

        var listed = await Eventually.ReturnsAsync(() => GetJsonAsync($"/api/sessions?project={Uri.EscapeDataString(project)}"),
            list => list.GetProperty("total").GetInt64() == 1 && list.GetProperty("sessions")[0].GetProperty("prompts").GetInt64() == 1,
            TimeSpan.FromSeconds(30), "the session listed by the saver");
        Assert.Equal(s, listed.GetProperty("sessions")[0].GetProperty("sessionId").GetString());
        // Its hooks decide its state once the saver holds them (the import may be summed up first, as a session of its own).
        await Eventually.ReturnsAsync(() => GetJsonAsync($"/api/sessions/{s}"), session => session.GetProperty("status").GetString() == "Active"
            && session.GetProperty("eventCount").GetInt64() == 2, TimeSpan.FromSeconds(30), "the session as its hooks tell it");
        Assert.Equal(0, (await GetJsonAsync($"/api/sessions?project={Uri.EscapeDataString(project)}&status=ended")).GetProperty("total").GetInt64());

        var messages = await GetJsonAsync($"/api/sessions/{s}/messages");
        Assert.Equal((4L, 1L), (messages.GetProperty("total").GetInt64(), messages.GetProperty("invalidLines").GetInt64()));
        var first = messages.GetProperty("messages")[0];
        Assert.Equal(["hook", "transcript"], first.GetProperty("sources").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["user", "assistant", "tool", "assistant"], messages.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("role").GetString()));
        var withRecords = await GetJsonAsync($"/api/sessions/{s}/messages?records=true&skip=4&limit=10");
        Assert.Equal(["record", "invalid"], withRecords.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("kind").GetString()));

        var found = await GetJsonAsync($"/api/search?q={word}&project={Uri.EscapeDataString(project)}&role=assistant");
        var hit = Assert.Single(found.GetProperty("hits").EnumerateArray());
        Assert.Equal(s, hit.GetProperty("sessionId").GetString());
        var mark = hit.GetProperty("marks")[0];
        Assert.Equal(word, hit.GetProperty("snippet").GetString()!.Substring(mark.GetProperty("start").GetInt32(), mark.GetProperty("length").GetInt32()));

        var json = await GetJsonAsync($"/api/sessions/{s}/export?format=json");
        Assert.Equal(s, json.GetProperty("session").GetProperty("sessionId").GetString());
        var raw = json.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("raw").GetString()).ToList();
        Assert.Equal(lines.Order(), raw.Where(r => r!.Contains(s) || !r.Contains("session_id")).Order());

        var markdown = await Http.GetStringAsync($"/api/sessions/{s}/export?format=markdown", Cancel);
        Assert.Contains($"# Claude Code session {s}", markdown);
        Assert.Contains($"### User · ", markdown);
        Assert.Contains($"rename the {word} module", markdown);
        Assert.Contains("<details><summary>Tool call: Bash</summary>", markdown);
        Assert.Contains($"git mv {word}.cs renamed.cs", markdown);
        Assert.Contains("1 transcript lines could not be read", markdown);
    }

    [Fact]
    public async Task When_a_transcript_of_several_pages_is_exported_Should_give_back_the_bytes_sent_in_order()
    {
        var s = NewSession();
        // 30,000 lines, 15 MB: imported in megabyte batches (a block each), exported in chat's pages of at most 20,000 lines or 8 MB,
        // each written out a piece at a time.
        var sent = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 30_000).Select(i =>
            AssistantText(s, $"a{i}", i == 0 ? "u0" : $"a{i - 1}", i, $"reply {i}: " + Convert.ToHexString(SHA256.HashData(BitConverter.GetBytes(i))) + new string('.', 300)) + "\n")));
        using (var content = new ByteArrayContent(sent))
        using (var response = await Http.PostAsync($"/api/sessions/import?session={s}&name={s}.jsonl", content, Cancel))
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Cancel));

        var exported = await Http.GetByteArrayAsync($"/api/sessions/{s}/export?format=jsonl", Cancel);

        Assert.True(sent.Length > 12_000_000, $"{sent.Length} bytes sent");
        var differs = sent.AsSpan().CommonPrefixLength(exported);
        Assert.True(differs == sent.Length && exported.Length == sent.Length,
            $"the export ({exported.Length} bytes) differs from the {sent.Length} bytes sent from byte {differs} on");
    }

    [Fact]
    public async Task When_a_session_is_exported_as_markdown_Should_name_its_model_from_the_replies_and_head_only_what_has_content()
    {
        var s = NewSession();
        await PostHookAsync($$"""{"session_id":"{{s}}","hook_event_name":"SessionStart","source":"resume","cwd":"/work/md"}"""); // no model
        string[] lines =
        [
            User(s, "u1", null, 1, "summarise the log"),
            $$"""{"type":"system","uuid":"sy1","parentUuid":"u1","timestamp":"{{Time(2)}}","sessionId":"{{s}}","content":""}""",
            AssistantText(s, "a1", "sy1", 3, "Nothing failed."),
        ];
        await ImportAsync($"?session={s}&name={s}.jsonl", string.Join("\n", lines) + "\n");
        await Eventually.ReturnsAsync(() => GetJsonAsync($"/api/sessions/{s}"), session => session.ValueKind == JsonValueKind.Object,
            TimeSpan.FromSeconds(30), "the session stored by the saver");

        var markdown = await Http.GetStringAsync($"/api/sessions/{s}/export?format=markdown", Cancel);

        Assert.Contains("| Model | claude-opus-4-20250514 |", markdown);
        Assert.DoesNotContain("### System", markdown);
        Assert.DoesNotContain("—", markdown);
        Assert.Equal(["User", "Assistant"], System.Text.RegularExpressions.Regex.Matches(markdown, "^### (\\w+)", System.Text.RegularExpressions.RegexOptions.Multiline)
            .Select(m => m.Groups[1].Value));
    }

    [Fact]
    public async Task When_hooks_arrive_Should_hand_chat_only_those_that_carry_conversation_and_keep_every_one()
    {
        var s = NewSession();
        var project = "/work/" + s;
        foreach (var (name, field) in new[] { ("UserPromptSubmit", ",\"prompt\":\"rename the module\""), ("PreToolUse", ""), ("PostToolUse", ""),
                     ("PostToolUse", ""), ("Stop", ",\"last_assistant_message\":\"Renamed it.\"") })
            await PostHookAsync($$"""{"session_id":"{{s}}","hook_event_name":"{{name}}","cwd":"{{project}}"{{field}}}""");

        var messages = await Eventually.ReturnsAsync(() => GetJsonAsync($"/api/sessions/{s}/messages"), page => page.GetProperty("total").GetInt64() == 2,
            TimeSpan.FromSeconds(30), "the prompt and the reply stored from their hooks");
        var listed = await Eventually.ReturnsAsync(() => GetJsonAsync($"/api/sessions?project={Uri.EscapeDataString(project)}"),
            list => list.GetProperty("total").GetInt64() == 1 && list.GetProperty("sessions")[0].GetProperty("eventCount").GetInt64() == 5,
            TimeSpan.FromSeconds(30), "every hook stored by the saver");
        var metrics = await Http.GetStringAsync("/metrics", Cancel);

        Assert.Equal(["user", "assistant"], messages.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("role").GetString()));
        Assert.Equal((1L, 1L), (listed.GetProperty("sessions")[0].GetProperty("prompts").GetInt64(), listed.GetProperty("sessions")[0].GetProperty("toolCalls").GetInt64()));
        // Embedded, hooks go to the modules in bursts; chat and context are handed only the conversation hooks of each.
        Assert.Contains("chat-ingest\",message=\"ConversationHooksAccepted\"", metrics); // endpoint names may carry a prefix
        Assert.DoesNotContain("chat-ingest\",message=\"HookEventsAccepted\"", metrics);
        Assert.DoesNotContain("compaction-context\",message=\"HookEventsAccepted\"", metrics);
    }

    [Fact]
    public async Task When_a_session_is_unknown_Should_answer_404_everywhere()
    {
        var s = NewSession();

        await GetJsonAsync($"/api/sessions/{s}", HttpStatusCode.NotFound);
        await GetJsonAsync($"/api/sessions/{s}/messages", HttpStatusCode.NotFound);
        var export = await GetJsonAsync($"/api/sessions/{s}/export", HttpStatusCode.NotFound);

        Assert.Contains(s, export.GetProperty("error").GetString());
    }

    [Fact]
    public async Task When_a_sessions_subagent_transcript_is_imported_Should_list_it_and_give_it_back_byte_for_byte()
    {
        var s = NewSession();
        const string agent = "subagents/agent-7f3e.jsonl";
        var own = string.Join("\n", User(s, "u1", null, 1, "find the flaky test"), AssistantText(s, "a1", "u1", 2, "Sending an agent.")) + "\n";
        var subagent = string.Join("\n",
            $$$"""{"type":"user","uuid":"s1","parentUuid":null,"isSidechain":true,"timestamp":"2026-11-24T09:00:03.000Z","sessionId":"{{{s}}}","message":{"role":"user","content":"Search the tests for sleeps — ✓"}}""",
            """{"type":"assistant","uuid":"s2","parentUuid":"s1","isSidechain":true,"timestamp":"2026-11-24T09:00:04.000Z","message":{"role":"assistant","content":[{"type":"text","text":"Found two."}]}}""") + "\r\n";
        await ImportAsync($"?session={s}&name={s}.jsonl", own);

        var imported = await ImportAsync($"?session={s}&name=agent-7f3e.jsonl&file={Uri.EscapeDataString(agent)}", subagent);
        var files = await GetJsonAsync($"/api/sessions/{s}/files");
        using var export = await Http.GetAsync($"/api/sessions/{s}/export?format=jsonl&file={Uri.EscapeDataString(agent)}", Cancel);
        using var ownExport = await Http.GetAsync($"/api/sessions/{s}/export?format=jsonl", Cancel);

        Assert.Equal(agent, imported.GetProperty("file").GetString());
        Assert.Equal([(null, 2L), (agent, 2L)], files.GetProperty("files").EnumerateArray()
            .Select(f => (f.GetProperty("file").GetString(), f.GetProperty("lines").GetInt64())));
        Assert.Equal(Encoding.UTF8.GetBytes(subagent), await export.Content.ReadAsByteArrayAsync(Cancel));
        Assert.Equal("agent-7f3e.jsonl", export.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal(Encoding.UTF8.GetBytes(own), await ownExport.Content.ReadAsByteArrayAsync(Cancel));
        var error = await ImportAsync($"?session={s}&file=..%2Fetc%2Fpasswd", own, HttpStatusCode.BadRequest);
        Assert.Contains("subagents/agent-<id>.jsonl", error.GetProperty("error").GetString());
        await GetJsonAsync($"/api/sessions/{NewSession()}/files", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task When_a_sessions_tool_output_file_is_uploaded_Should_keep_it_masked_list_it_by_its_files_hash_and_refuse_other_names()
    {
        var s = NewSession();
        await ImportAsync($"?session={s}&name={s}.jsonl", User(s, "u1", null, 1, "count to sixty thousand") + "\n");
        var output = string.Join("\n", Enumerable.Range(1, 5_000)) + "\npassword=hunter2\n";
        async Task<(HttpStatusCode Status, JsonElement Body)> PutAsync(string name, string content)
        {
            using var response = await Http.PutAsync($"/api/sessions/{s}/tool-results/{name}", new StringContent(content, Encoding.UTF8, "application/octet-stream"), Cancel);
            return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel)).RootElement.Clone());
        }

        var first = await PutAsync("bz7dg8a2x.txt", output);
        var again = await PutAsync("bz7dg8a2x.txt", output);
        var listed = await GetJsonAsync($"/api/sessions/{s}/tool-results");
        var kept = await Http.GetStringAsync($"/api/sessions/{s}/tool-results/bz7dg8a2x.txt", Cancel);

        Assert.Equal((HttpStatusCode.OK, true), (first.Status, first.Body.GetProperty("stored").GetBoolean()));
        Assert.False(again.Body.GetProperty("stored").GetBoolean());
        var file = Assert.Single(listed.GetProperty("files").EnumerateArray());
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(output))), file.GetProperty("sourceSha256").GetString());
        Assert.Equal(output.Replace("password=hunter2", "password=[redacted:password]", StringComparison.Ordinal), kept);
        foreach (var name in new[] { ".hidden", "a%20b.txt", "..%2Fsettings.json" })
        {
            var refused = await PutAsync(name, "x");
            Assert.True(refused.Status is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"{name}: {refused.Status}");
            if (refused.Status == HttpStatusCode.BadRequest)
                Assert.Contains("is not the name of a file in a session's tool-results folder", refused.Body.GetProperty("error").GetString());
        }
        Assert.Single((await GetJsonAsync($"/api/sessions/{s}/tool-results")).GetProperty("files").EnumerateArray());
        await GetJsonAsync($"/api/sessions/{s}/tool-results/none.txt", HttpStatusCode.NotFound);
        Assert.Equal(0, (await GetJsonAsync($"/api/sessions/{NewSession()}/tool-results")).GetProperty("files").GetArrayLength());
    }

    [Fact]
    public async Task When_a_file_checkpoint_is_uploaded_Should_keep_it_masked_apart_from_the_tool_outputs_and_refuse_other_names()
    {
        var s = NewSession();
        await ImportAsync($"?session={s}&name={s}.jsonl", User(s, "u1", null, 1, "change the config") + "\n");
        const string before = "host=db\npassword=hunter2\n";
        async Task<(HttpStatusCode Status, string Body)> PutAsync(string folder, string name, string content)
        {
            using var response = await Http.PutAsync($"/api/sessions/{s}/{folder}/{name}", new StringContent(content, Encoding.UTF8, "application/octet-stream"), Cancel);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(Cancel));
        }

        var stored = await PutAsync("file-history", "3f9a1c0b7d2e4a65@v2", before);
        var output = await PutAsync("tool-results", "b1.txt", "an output\n");
        var checkpoints = await GetJsonAsync($"/api/sessions/{s}/file-history");
        var outputs = await GetJsonAsync($"/api/sessions/{s}/tool-results");
        var kept = await Http.GetStringAsync($"/api/sessions/{s}/file-history/3f9a1c0b7d2e4a65@v2", Cancel);

        Assert.Equal(HttpStatusCode.OK, stored.Status);
        Assert.Equal(HttpStatusCode.OK, output.Status);
        Assert.Equal("3f9a1c0b7d2e4a65@v2", Assert.Single(checkpoints.GetProperty("files").EnumerateArray()).GetProperty("name").GetString());
        Assert.Equal("b1.txt", Assert.Single(outputs.GetProperty("files").EnumerateArray()).GetProperty("name").GetString());
        Assert.Equal("host=db\npassword=[redacted:password]\n", kept);
        await GetJsonAsync($"/api/sessions/{s}/tool-results/3f9a1c0b7d2e4a65@v2", HttpStatusCode.BadRequest); // not a tool output's name
        // Claude Code's own rule for a checkpoint's name: 16 or 64 lower-case hex digits, @v and a version.
        foreach (var name in new[] { "3F9A1C0B7D2E4A65@v2", "3f9a1c0b7d2e4a6@v2", "3f9a1c0b7d2e4a65@v", "3f9a1c0b7d2e4a65@v2.txt", "b1.txt", "..%2F3f9a1c0b7d2e4a65@v2" })
        {
            var refused = await PutAsync("file-history", name, "x");
            Assert.True(refused.Status is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"{name}: {refused.Status}");
            if (refused.Status == HttpStatusCode.BadRequest)
                Assert.Contains("is not the name of a Claude Code file checkpoint", refused.Body, StringComparison.Ordinal);
        }
        Assert.Single((await GetJsonAsync($"/api/sessions/{s}/file-history")).GetProperty("files").EnumerateArray());
        await GetJsonAsync($"/api/sessions/{s}/file-history/0000000000000000@v1", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task When_a_task_list_is_uploaded_Should_keep_it_whole_masked_and_refuse_what_is_not_claude_codes()
    {
        var s = NewSession();
        await ImportAsync($"?session={s}&name={s}.jsonl", User(s, "u1", null, 1, "plan the work") + "\n");
        async Task<(HttpStatusCode Status, string Body)> PutAsync(string content)
        {
            using var response = await Http.PutAsync($"/api/sessions/{s}/tasks", new StringContent(content, Encoding.UTF8, "application/json"), Cancel);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(Cancel));
        }
        var task = """{"id":"1","subject":"Rotate the key","description":"token=abc123secretvalue","status":"in_progress","blocks":[],"blockedBy":[]}""";
        await GetJsonAsync($"/api/sessions/{s}/tasks", HttpStatusCode.NotFound);

        var stored = await PutAsync(JsonSerializer.Serialize(new { files = new Dictionary<string, string> { ["1.json"] = task, [".highwatermark"] = "1" } }));
        var kept = await GetJsonAsync($"/api/sessions/{s}/tasks");

        Assert.Equal(HttpStatusCode.OK, stored.Status);
        var listed = Assert.Single(kept.GetProperty("tasks").EnumerateArray());
        Assert.Equal(("Rotate the key", "in_progress"), (listed.GetProperty("subject").GetString(), listed.GetProperty("status").GetString()));
        Assert.Equal("token=[redacted:secret]", listed.GetProperty("description").GetString());
        Assert.Equal("1", kept.GetProperty("files").GetProperty(".highwatermark").GetString());
        Assert.Equal(0, (await GetJsonAsync($"/api/sessions/{s}/tool-results")).GetProperty("files").GetArrayLength()); // not a tool output
        foreach (var (body, problem) in new[]
                 {
                     ("not json", "a task list is a JSON object"),
                     ("""{"tasks": {}}""", "a task list is a JSON object"),
                     ("""{"files": {"../settings.json": "{}"}}""", "is not a file of Claude Code's task list"),
                     ("""{"files": {"1.json": 7}}""", "1.json of the task list is not text"),
                 })
        {
            var refused = await PutAsync(body);
            Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
            Assert.Contains(problem, refused.Body, StringComparison.Ordinal);
        }
        Assert.Equal("Rotate the key", Assert.Single((await GetJsonAsync($"/api/sessions/{s}/tasks")).GetProperty("tasks").EnumerateArray()).GetProperty("subject").GetString());
    }

    [Theory]
    [InlineData("/api/sessions?status=paused", "status must be one of")]
    [InlineData("/api/sessions?since=yesterday", "since must be a date")]
    [InlineData("/api/search?q=%20", "q is required")]
    [InlineData("/api/search?q=x&until=soon", "until must be a date")]
    [InlineData("/api/sessions/any/export?format=pdf", "format must be json, jsonl or markdown")]
    [InlineData("/api/sessions/any/export?format=jsonl&file=notes.txt", "file is for format=jsonl and names a subagent transcript")]
    [InlineData("/api/sessions/any/export?format=json&file=subagents/agent-1.jsonl", "file is for format=jsonl")]
    [InlineData("/api/search?q=a%00b", "q must not hold control characters")]
    [InlineData("/api/search?q=build&role=bogus", "role must be one of user, assistant, tool, system, summary")]
    [InlineData("/api/search?q=build&limit=0", "limit must be between 1 and 200, not 0")]
    [InlineData("/api/sessions?limit=0", "limit must be between 1 and 500, not 0")]
    [InlineData("/api/sessions?skip=-1", "skip must be 0 or more, not -1")]
    [InlineData("/api/sessions/any/messages?limit=5000", "limit must be between 1 and 1000, not 5000")]
    [InlineData("/api/sessions/any/messages?raw=true&limit=500", "limit must be between 1 and 200, not 500")]
    public async Task When_a_query_is_malformed_Should_answer_400_saying_what_is_wrong(string path, string problem)
    {
        var error = await GetJsonAsync(path, HttpStatusCode.BadRequest);

        Assert.Contains(problem, error.GetProperty("error").GetString());
    }

    [Fact]
    public async Task When_an_import_has_no_session_id_Should_refuse_it_and_say_how()
    {
        var error = await ImportAsync("", "not json\n{\"type\":\"user\"}\n", HttpStatusCode.BadRequest);
        var invalid = await ImportAsync("?session=../etc", "{}\n", HttpStatusCode.BadRequest);

        Assert.Contains("?session=", error.GetProperty("error").GetString());
        Assert.Contains("invalid session id", invalid.GetProperty("error").GetString());
    }

    [Fact]
    public async Task When_a_transcript_is_exported_as_jsonl_Should_give_back_the_file_byte_for_byte()
    {
        var s = NewSession();
        // Claude Code's file as it is: lines out of time order (a prompt before its attachment), a reply on several lines, a
        // record without conversation, a line that is not JSON, one with no type, CRLF on one line, text beyond ASCII, a uuid twice.
        var lines = new[]
        {
            """{"type":"summary","summary":"Fix the build ✓","leafUuid":"a2"}""",
            User(s, "u1", null, 5, "fix the build — 修正 🚀"),
            """{"type":"attachment","uuid":"at1","parentUuid":"u1","timestamp":"2026-11-24T09:00:04.999Z","sessionId":"$S"}""".Replace("$S", s),
            AssistantText(s, "a1", "u1", 6, "Looking."),
            AssistantText(s, "a1", "u1", 6, "Looking again."), // its uuid and time again, other content
            AssistantToolUse(s, "a2", "a1", 7, "toolu_1", "dotnet build"),
            ToolResult(s, "u2", "a2", 8, "toolu_1", "Build succeeded.\n    0 Warning(s)") + "\r",
            "{not json at all",
            """{"uuid":"x1","timestamp":"2026-11-24T09:00:09.000Z","note":"no type"}""",
            """{"type":"file-history-snapshot","messageId":"m1","snapshot":{"trackedFileBackups":{}},"isSnapshotUpdate":false}""",
        };
        var file = Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n");
        await PostHookAsync($$"""{"session_id":"{{s}}","hook_event_name":"UserPromptSubmit","prompt":"fix the build — 修正 🚀","cwd":"/work/shop"}""");
        await PostHookAsync($$"""{"session_id":"{{s}}","hook_event_name":"Notification","message":"a hook with no line","cwd":"/work/shop"}""");

        using (var content = new ByteArrayContent(file))
        {
            content.Headers.ContentType = new("application/x-ndjson");
            using var imported = await Http.PostAsync($"/api/sessions/import?session={s}&name={s}.jsonl", content, Cancel);
            Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        }
        using var export = await Http.GetAsync($"/api/sessions/{s}/export?format=jsonl", Cancel);
        var exported = await export.Content.ReadAsByteArrayAsync(Cancel);

        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("application/x-ndjson", export.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"{s}.jsonl", export.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal(Convert.ToHexString(SHA256.HashData(file)), Convert.ToHexString(SHA256.HashData(exported)));
        Assert.Equal(file, exported);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync($"/api/sessions/{NewSession()}/export?format=jsonl", Cancel)).StatusCode);
    }

    [Fact]
    public async Task When_a_session_no_hook_reached_is_imported_Should_make_it_a_session_like_any_other()
    {
        var s = NewSession();
        var project = "/work/" + s;
        string[] lines =
        [
            User(s, "u1", null, 10, "port the CLI to the new API", project),
            AssistantToolUse(s, "a1", "u1", 11, "toolu_1", "grep -r OldApi ."),
            ToolResult(s, "u2", "a1", 12, "toolu_1", "src/cli.cs"),
            AssistantText(s, "a2", "u2", 13, "Ported.", project),
            User(s, "u3", "a2", 20, "and the docs", project),
            AssistantText(s, "a3", "u3", 25, "Done.", project).Replace("\"type\":\"assistant\"", "\"gitBranch\":\"feature/new-api\",\"type\":\"assistant\""),
            """{"type":"summary","summary":"Port the CLI to the new API","leafUuid":"a3"}""",
        ];

        await ImportAsync($"?session={s}&name={s}.jsonl", string.Join("\n", lines) + "\n");

        var session = await Eventually.ReturnsAsync(async () =>
            {
                using var response = await Http.GetAsync($"/api/sessions/{s}", Cancel);
                return response.IsSuccessStatusCode ? JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel)).RootElement.Clone() : default;
            },
            found => found.ValueKind == JsonValueKind.Object, TimeSpan.FromSeconds(30), "the imported session kept by the saver");
        Assert.Equal((project, "claude-opus-4-20250514", "Ended", "import"), (session.GetProperty("projectDir").GetString(),
            session.GetProperty("model").GetString(), session.GetProperty("status").GetString(), session.GetProperty("source").GetString()));
        Assert.Equal((Start.AddSeconds(10), Start.AddSeconds(25)), (session.GetProperty("startedAt").GetDateTimeOffset(), session.GetProperty("endedAt").GetDateTimeOffset()));
        Assert.Equal((2L, 1L), (session.GetProperty("prompts").GetInt64(), session.GetProperty("toolCalls").GetInt64()));
        Assert.Equal("Port the CLI to the new API", session.GetProperty("title").GetString());
        Assert.Equal("feature/new-api", session.GetProperty("gitBranch").GetString());
        var listed = await GetJsonAsync($"/api/sessions?project={Uri.EscapeDataString(project)}");
        Assert.Equal(s, Assert.Single(listed.GetProperty("sessions").EnumerateArray()).GetProperty("sessionId").GetString());

        var status = await Eventually.ReturnsAsync(() => GetJsonAsync($"/api/status/sessions/{s}"),
            found => found.GetProperty("state").GetString() == "ended", TimeSpan.FromSeconds(30), "the imported session ended in the status");
        Assert.Equal((Start.AddSeconds(10), Start.AddSeconds(25)), (status.GetProperty("startedAt").GetDateTimeOffset(), status.GetProperty("endedAt").GetDateTimeOffset()));
        Assert.Equal((2L, 1L, project), (status.GetProperty("prompts").GetInt64(), status.GetProperty("toolCalls").GetInt64(), status.GetProperty("projectDir").GetString()));
    }

    /// <summary>
    /// `/rename release prep` in Claude Code writes a <c>custom-title</c> line into the session's transcript; Claude Code 2.1.332 writes
    /// the title the model gave the session after its first prompt as an <c>ai-title</c> line; a summary of it comes later. The session
    /// shows the title Claude Code's <c>--resume</c> picker shows: the user's name, else the model's title, over the summary.
    /// </summary>
    [Theory]
    [InlineData("custom-title", "customTitle", "release prep")]
    [InlineData("ai-title", "aiTitle", "Flaky CI build on Mondays")]
    public async Task When_the_transcript_titles_a_captured_session_Should_show_the_title_Claude_Codes_picker_shows(string type, string field, string title)
    {
        var s = NewSession();
        var project = "/work/" + s;
        await PostHookAsync($$"""{"session_id":"{{s}}","hook_event_name":"SessionStart","source":"startup","cwd":"{{project}}"}""");
        await Eventually.ReturnsAsync(() => GetJsonAsync($"/api/sessions?project={Uri.EscapeDataString(project)}"),
            list => list.GetProperty("total").GetInt64() == 1, TimeSpan.FromSeconds(30), "the session kept by the saver");

        const string prompt = "the CI build fails on Mondays, find out why";
        await ImportAsync($"?session={s}&name={s}.jsonl", string.Join("\n",
            User(s, "u1", null, 1, prompt, project),
            $$$"""{"type":"{{{type}}}","{{{field}}}":"{{{title}}}","sessionId":"{{{s}}}"}""",
            AssistantText(s, "a1", "u1", 2, "A cron job.", project),
            """{"type":"summary","summary":"Fix the build","leafUuid":"a1"}""") + "\n");

        var session = await Eventually.ReturnsAsync(() => GetJsonAsync($"/api/sessions/{s}"),
            found => found.TryGetProperty("title", out var shown) && shown.ValueKind == JsonValueKind.String && shown.GetString() != prompt,
            TimeSpan.FromSeconds(30), "the title the transcript gives");
        Assert.Equal(title, session.GetProperty("title").GetString());
        Assert.Equal(title, Assert.Single((await GetJsonAsync($"/api/sessions?project={Uri.EscapeDataString(project)}")).GetProperty("sessions").EnumerateArray())
            .GetProperty("title").GetString());
    }

    [Fact]
    public async Task When_a_sessions_start_names_no_model_Should_show_the_one_its_replies_name()
    {
        var s = NewSession();
        var project = "/work/" + s;
        await PostHookAsync($$"""{"session_id":"{{s}}","hook_event_name":"SessionStart","source":"startup","cwd":"{{project}}"}"""); // claude -p
        await Eventually.ReturnsAsync(() => GetJsonAsync($"/api/sessions?project={Uri.EscapeDataString(project)}"),
            list => list.GetProperty("total").GetInt64() == 1, TimeSpan.FromSeconds(30), "the session kept by the saver");

        await ImportAsync($"?session={s}&name={s}.jsonl", string.Join("\n",
            User(s, "u1", null, 1, "what does this repo do", project), AssistantText(s, "a1", "u1", 2, "It parses logs.", project)) + "\n");

        await Eventually.ReturnsAsync(() => GetJsonAsync($"/api/sessions/{s}"),
            session => session.GetProperty("model").ValueKind == JsonValueKind.String && session.GetProperty("model").GetString() == "claude-opus-4-20250514",
            TimeSpan.FromSeconds(30), "the model its reply names");
    }

    [Fact]
    public async Task When_an_imported_transcript_names_its_session_Should_file_it_there()
    {
        var s = NewSession();

        var imported = await ImportAsync("", "garbage first\n" + User(s, "u1", null, 1, "from the file"));

        Assert.Equal(s, imported.GetProperty("sessionId").GetString());
        var page = await GetJsonAsync($"/api/sessions/{s}/messages");
        Assert.Equal("from the file", page.GetProperty("messages")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task When_a_streamed_import_is_cut_short_Should_keep_what_was_stored_and_complete_when_imported_again()
    {
        var s = NewSession();
        var lines = Enumerable.Range(0, 1_500).Select(i => User(s, $"u{i}", i == 0 ? null : $"u{i - 1}", i, $"prompt {i} " + new string('x', 400))).ToList();
        var whole = string.Concat(lines.Select(line => line + "\n"));

        // The upload names its session and its length, so it is read as it arrives; it stops after the first batch of 1,000 lines is stored.
        var cut = new CutShortContent(Encoding.UTF8.GetBytes(string.Concat(lines.Take(1_200).Select(line => line + "\n"))), Encoding.UTF8.GetByteCount(whole),
            () => Eventually.ReturnsAsync(() => GetJsonAsync($"/api/sessions/{s}/messages?limit=1"), page => page.GetProperty("total").GetInt64() == 1_000,
                TimeSpan.FromSeconds(30), "the first batch stored"));
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => Http.PostAsync($"/api/sessions/import?session={s}", cut, Cancel));
        var again = await ImportAsync($"?session={s}", whole);

        Assert.Equal((1_500, 500), (again.GetProperty("lines").GetInt32(), again.GetProperty("added").GetInt32()));
        Assert.Equal(1_500, (await GetJsonAsync($"/api/sessions/{s}/messages?limit=1")).GetProperty("total").GetInt64());
    }

    /// <summary>A body that promises <paramref name="promised"/> bytes, sends <paramref name="sent"/>, waits for <paramref name="before"/>, and fails.</summary>
    private sealed class CutShortContent(byte[] sent, long promised, Func<Task> before) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(sent);
            await stream.FlushAsync();
            await before();
            throw new IOException("the upload was cut short");
        }

        protected override bool TryComputeLength(out long length)
        {
            length = promised;
            return true;
        }
    }

    [Fact]
    public async Task When_a_context_item_is_malformed_or_a_query_names_no_one_Should_answer_400_saying_why()
    {
        using var bad = await Http.PostAsJsonAsync("/api/context", new { type = "project", scope = "galaxy", priority = 5, content = "x" }, Cancel);
        var query = await GetJsonAsync("/api/context", HttpStatusCode.BadRequest);

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("scope must be one of", await bad.Content.ReadAsStringAsync(Cancel));
        Assert.Contains("say whose context", query.GetProperty("error").GetString());
    }

    [Fact]
    public async Task When_backups_are_taken_and_one_is_restored_Should_bring_the_session_back_as_it_was()
    {
        var s = NewSession();
        var project = "/work/" + s;
        await PostHookAsync($$"""{"session_id":"{{s}}","hook_event_name":"SessionStart","source":"startup","cwd":"{{project}}"}""");
        await PostHookAsync($$"""{"session_id":"{{s}}","hook_event_name":"UserPromptSubmit","prompt":"before the backup","cwd":"{{project}}"}""");
        await Eventually.ReturnsAsync(() => GetJsonAsync($"/api/sessions/{s}"), state => state.GetProperty("eventCount").GetInt64() == 2,
            TimeSpan.FromSeconds(30), "the session saved");

        using (var run = await Http.PostAsync("/api/backups/run", null, Cancel))
            Assert.Equal(HttpStatusCode.Accepted, run.StatusCode);
        var listed = await Eventually.ReturnsAsync(() => GetJsonAsync($"/api/sessions/{s}/backups"), list => list.GetProperty("backups").GetArrayLength() == 1,
            TimeSpan.FromSeconds(30), "the backup taken");
        var backupId = listed.GetProperty("backups")[0].GetProperty("backupId").GetString();
        await PostHookAsync($$"""{"session_id":"{{s}}","hook_event_name":"UserPromptSubmit","prompt":"after the backup","cwd":"{{project}}"}""");
        await Eventually.ReturnsAsync(() => GetJsonAsync($"/api/sessions/{s}"), state => state.GetProperty("eventCount").GetInt64() == 3,
            TimeSpan.FromSeconds(30), "the later prompt saved");

        using var restore = await Http.PostAsync($"/api/backups/{backupId}/restore", null, Cancel);
        using var unknown = await Http.PostAsync($"/api/backups/{Guid.NewGuid()}/restore", null, Cancel);

        Assert.Equal(HttpStatusCode.OK, restore.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var state = await GetJsonAsync($"/api/sessions/{s}");
        Assert.Equal((2L, 1L), (state.GetProperty("eventCount").GetInt64(), state.GetProperty("prompts").GetInt64()));
    }
}
