using System.Diagnostics;
using System.Net;
using System.Text.Json;
using SessionManagement.Testing;

namespace SessionManagement.Gateway.Tests.Bridge;

/// <summary>
/// The real Claude Code CLI, answered by <see cref="ScriptedModelServer"/> instead of Anthropic's API, with our hooks installed:
/// a session that calls tools, runs a subagent and is resumed, recorded by Claude Code itself. What Claude Code wrote is the
/// witness: its transcript files, read here by a parse of the test's own, against what the host kept and gives back.
/// </summary>
public sealed class ClaudeCodeScriptedSessionTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task When_claude_calls_tools_runs_a_subagent_and_is_resumed_Should_keep_every_line_of_every_file_and_count_each_response_once()
    {
        await using var model = new ScriptedModelServer();
        var (host, environment, project) = await StartWithHooksAsync(model, "scripted");
        await using var running = host;
        await File.WriteAllTextAsync(Path.Combine(project, "notes.txt"), "one file\n", Cancel);

        // First run: a tool call, then a subagent (which calls a tool itself), then the answer. Second run: resumed.
        model.Then(
            ScriptedModelServer.Reply.Call("Bash", new { command = "ls", description = "List the files" }),
            ScriptedModelServer.Reply.Call("Agent", new { description = "Count the files", prompt = "Count the files here", subagent_type = "general-purpose", run_in_background = false }),
            ScriptedModelServer.Reply.Call("Bash", new { command = "ls | wc -l", description = "Count the files" }, outputTokens: 25),
            ScriptedModelServer.Reply.Say("1 file.", outputTokens: 5),
            ScriptedModelServer.Reply.Say("There is one file: notes.txt."));
        var first = await ClaudeRun.RunAsync(project, environment, "-p", "list the files", "--allowedTools", "Bash,Agent");
        Assert.True(first.ExitCode == 0, $"claude exited {first.ExitCode}: {first.Output}\nserver: {string.Join("\n", model.Problems)}");
        var transcripts = Path.Combine(host.Home, ".claude", "projects");
        var main = Assert.Single(Directory.GetDirectories(transcripts).SelectMany(d => Directory.GetFiles(d, "*.jsonl")));
        var session = Path.GetFileNameWithoutExtension(main);
        model.Then(ScriptedModelServer.Reply.Say("Still one file.", outputTokens: 12));
        var resumed = await ClaudeRun.RunAsync(project, environment, "-p", "--resume", session, "and now?");
        Assert.True(resumed.ExitCode == 0, $"claude --resume exited {resumed.ExitCode}: {resumed.Output}\nserver: {string.Join("\n", model.Problems)}");
        Assert.Empty(model.Problems);
        Assert.Equal(0, model.Waiting);

        // What Claude Code wrote, read here: its files, their responses (message.id + requestId) and tool calls.
        var subagent = Assert.Single(Directory.GetFiles(Path.Combine(Path.GetDirectoryName(main)!, session, "subagents"), "agent-*.jsonl"));
        List<(string? File, byte[] Bytes)> files =
            [(null, await File.ReadAllBytesAsync(main, Cancel)), ("subagents/" + Path.GetFileName(subagent), await File.ReadAllBytesAsync(subagent, Cancel))];
        var records = files.Select(f => f.Bytes).SelectMany(bytes => System.Text.Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            .Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();
        var responses = ClaudeResponses.FirstLines(records).Select(r => r.GetProperty("message").GetProperty("usage")).ToList();
        var toolCalls = records.Where(r => r.GetProperty("type").GetString() == "assistant")
            .Sum(r => r.GetProperty("message").GetProperty("content").EnumerateArray().Count(b => b.GetProperty("type").GetString() == "tool_use"));
        Assert.Equal(6, responses.Count); // as scripted: 5 in the first run, 1 resumed
        Assert.Equal(3, toolCalls);

        // Every file given back byte for byte, once the host has it all.
        foreach (var (file, bytes) in files)
        {
            var query = file is null ? "" : "&file=" + Uri.EscapeDataString(file);
            var exported = await Eventually.ReturnsAsync(() => GetBytesAsync(host, $"/api/sessions/{session}/export?format=jsonl{query}"),
                got => got.AsSpan().SequenceEqual(bytes), TimeSpan.FromSeconds(60), $"{file ?? "the session's transcript"} given back byte for byte");
            Assert.Equal(bytes, exported);
        }
        var listed = JsonDocument.Parse(await host.Http.GetStringAsync($"/api/sessions/{session}/files", Cancel)).RootElement;
        Assert.Equal(files.Select(f => f.File).Order(), listed.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("file").GetString()).Order());

        // One session, resumed under its own id, ended; its prompts and tool calls as the hooks said; each response's tokens once.
        var state = await Eventually.ReturnsAsync(() => GetJsonAsync(host, $"/api/sessions/{session}"),
            s => s.ValueKind == JsonValueKind.Object && s.GetProperty("status").GetString() == "Ended" && s.GetProperty("prompts").GetInt64() == 2,
            TimeSpan.FromSeconds(60), "the resumed session ended in the saver");
        Assert.Equal((JsonValueKind.Null, "resume", toolCalls), (state.GetProperty("parentSessionId").ValueKind, state.GetProperty("source").GetString(),
            (int)state.GetProperty("toolCalls").GetInt64()));
        Assert.Equal(ScriptedModelServer.Model, state.GetProperty("model").GetString());
        var status = await Eventually.ReturnsAsync(() => GetJsonAsync(host, $"/api/status/sessions/{session}"),
            s => s.ValueKind == JsonValueKind.Object && s.GetProperty("outputTokens").GetInt64() == responses.Sum(u => u.GetProperty("output_tokens").GetInt64()),
            TimeSpan.FromSeconds(60), "the session's output tokens, each response once");
        Assert.Equal(responses.Sum(u => u.GetProperty("input_tokens").GetInt64() + u.GetProperty("cache_creation_input_tokens").GetInt64()
            + u.GetProperty("cache_read_input_tokens").GetInt64()), status.GetProperty("inputTokens").GetInt64());

        // And as ccusage counts the same files. It reports each folder of transcripts as a session: the project folder (this
        // session's own file) and the session's subagents folder (a row named "subagents"); together they are this session.
        var reference = await Ccusage.SessionsAsync(Path.Combine(host.Home, ".claude"), Cancel);
        Assert.Equal(2, reference.Count);
        Assert.Equal((status.GetProperty("inputTokens").GetInt64(), status.GetProperty("outputTokens").GetInt64()),
            (reference.Sum(r => r.Input), reference.Sum(r => r.Output)));
        // And as Claude Code prices it itself: its session file's last cost-state line (what its /cost shows, subagents and the
        // resumed run included; Claude Code 2.1.332).
        var costState = File.ReadLines(main).Select(l => JsonDocument.Parse(l).RootElement).Last(r => r.GetProperty("type").GetString() == "cost-state");
        Assert.False(costState.GetProperty("hasUnknownModelCost").GetBoolean());
        Assert.Equal(costState.GetProperty("totalCostUSD").GetDecimal(), status.GetProperty("costUsd").GetDecimal(), 6);

        // Each run's turn ended with a Stop hook, kept by the saver (read from its table in the database file): claude -p tears its
        // session down before it would start a background Stop hook, so install has it waited for.
        var stops = await Eventually.ReturnsAsync(() => Task.FromResult(SqliteFile.Count(Path.Combine(host.DataDirectory, "session-management.db"),
                "SELECT count(*) FROM saver_events WHERE session_id = $id AND hook_event_name = 'Stop'", ("$id", session))),
            count => count >= 2, TimeSpan.FromSeconds(30), "a Stop hook of each run");
        Assert.Equal(2, stops);
    }

    [Fact]
    public async Task When_a_tool_output_is_too_large_for_the_transcript_Should_keep_claude_codes_file_sealed_with_its_secrets_masked()
    {
        await using var model = new ScriptedModelServer();
        var (host, environment, project) = await StartWithHooksAsync(model, "large-output", hostEnvironment: new()
        {
            ["SM_ENCRYPTION_KEY"] = TestKeys.EnvironmentValue,
            ["SM_session_management__session_storage__encrypt_at_rest"] = "true",
        });
        await using var running = host;
        // Over 30,000 characters of output: Claude Code 2.1.332 keeps it whole in <session>/tool-results/, its line and hooks 30,000 at most.
        model.Then(ScriptedModelServer.Reply.Call("Bash", new { command = "seq 1 60000 && echo password=hunter2", description = "Count" }),
            ScriptedModelServer.Reply.Say("Counted."));
        var run = await ClaudeRun.RunAsync(project, environment, "-p", "count to sixty thousand", "--allowedTools", "Bash");
        Assert.True(run.ExitCode == 0, $"claude exited {run.ExitCode}: {run.Output}\nserver: {string.Join("\n", model.Problems)}");
        var main = Assert.Single(Directory.GetDirectories(Path.Combine(host.Home, ".claude", "projects")).SelectMany(d => Directory.GetFiles(d, "*.jsonl")));
        var session = Path.GetFileNameWithoutExtension(main);
        var output = Assert.Single(Directory.GetFiles(Path.Combine(Path.GetDirectoryName(main)!, session, "tool-results")));
        var bytes = await File.ReadAllBytesAsync(output, Cancel);
        Assert.Contains("\n59999\n60000\npassword=hunter2", System.Text.Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);

        var listed = await Eventually.ReturnsAsync(() => GetJsonAsync(host, $"/api/sessions/{session}/tool-results"),
            l => l.ValueKind == JsonValueKind.Object && l.GetProperty("files").GetArrayLength() == 1, TimeSpan.FromSeconds(60), "the tool output kept");
        var kept = await GetBytesAsync(host, $"/api/sessions/{session}/tool-results/{Path.GetFileName(output)}");

        var file = listed.GetProperty("files")[0];
        Assert.Equal(Path.GetFileName(output), file.GetProperty("name").GetString());
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), file.GetProperty("sourceSha256").GetString());
        Assert.Equal(System.Text.Encoding.UTF8.GetString(bytes).Replace("password=hunter2", "password=[redacted:password]", StringComparison.Ordinal),
            System.Text.Encoding.UTF8.GetString(kept));
        // On disk sealed, not merely packed: the row's bytes, read from the database file, are no Brotli stream of the output.
        var database = Path.Combine(host.DataDirectory, "session-management.db");
        var stored = (byte[])SqliteFile.Scalar(database, "SELECT bytes FROM chat_tool_results WHERE session_id = $id", ("$id", session))!;
        var encoding = (string)SqliteFile.Scalar(database, "SELECT encoding FROM chat_tool_results WHERE session_id = $id", ("$id", session))!;
        string? opened;
        try
        {
            opened = SqliteFile.Unpacked(stored, encoding);
        }
        catch (Exception error) when (error is InvalidDataException or InvalidOperationException)
        {
            opened = null; // no Brotli stream at all
        }
        Assert.DoesNotContain("59999", opened ?? "", StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", opened ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_claude_changes_a_file_Should_keep_its_checkpoint_of_the_file_with_the_secrets_masked()
    {
        await using var model = new ScriptedModelServer();
        var (host, environment, project) = await StartWithHooksAsync(model, "checkpoints");
        await using var running = host;
        environment["CLAUDE_CODE_ENABLE_SDK_FILE_CHECKPOINTING"] = "1"; // on by default in the terminal; -p asks for it
        var notes = Path.Combine(project, "notes.txt");
        const string before = "alpha line\ndb password=hunter2\n";
        await File.WriteAllTextAsync(notes, before, Cancel);
        model.Then(ScriptedModelServer.Reply.Call("Read", new { file_path = notes }),
            ScriptedModelServer.Reply.Call("Edit", new { file_path = notes, old_string = "alpha", new_string = "beta" }),
            ScriptedModelServer.Reply.Say("Changed."));
        var run = await ClaudeRun.RunAsync(project, environment, "-p", "change alpha to beta in notes.txt", "--allowedTools", "Read,Edit");
        Assert.True(run.ExitCode == 0, $"claude exited {run.ExitCode}: {run.Output}\nserver: {string.Join("\n", model.Problems)}");
        Assert.StartsWith("beta line", await File.ReadAllTextAsync(notes, Cancel), StringComparison.Ordinal);
        var main = Assert.Single(Directory.GetDirectories(Path.Combine(host.Home, ".claude", "projects")).SelectMany(d => Directory.GetFiles(d, "*.jsonl")));
        var session = Path.GetFileNameWithoutExtension(main);
        // Claude Code's copy of the file before the edit, beside its projects folder: the name its transcript's lines give it.
        var checkpoint = Assert.Single(Directory.GetFiles(Path.Combine(host.Home, ".claude", "file-history", session)));
        Assert.Equal(before, await File.ReadAllTextAsync(checkpoint, Cancel));
        Assert.Contains($"\"backupFileName\":\"{Path.GetFileName(checkpoint)}\"", await File.ReadAllTextAsync(main, Cancel), StringComparison.Ordinal);

        var listed = await Eventually.ReturnsAsync(() => GetJsonAsync(host, $"/api/sessions/{session}/file-history"),
            l => l.ValueKind == JsonValueKind.Object && l.GetProperty("files").GetArrayLength() == 1, TimeSpan.FromSeconds(60), "the checkpoint kept");
        var kept = await GetBytesAsync(host, $"/api/sessions/{session}/file-history/{Path.GetFileName(checkpoint)}");

        var file = listed.GetProperty("files")[0];
        Assert.Equal(Path.GetFileName(checkpoint), file.GetProperty("name").GetString());
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(before))),
            file.GetProperty("sourceSha256").GetString());
        Assert.Equal("alpha line\ndb password=[redacted:password]\n", System.Text.Encoding.UTF8.GetString(kept));
        Assert.Equal(0, (await GetJsonAsync(host, $"/api/sessions/{session}/tool-results")).GetProperty("files").GetArrayLength()); // not a tool output
        // The row itself, read from the database file and unpacked here: the secret is not in it.
        var database = Path.Combine(host.DataDirectory, "session-management.db");
        var row = SqliteFile.Unpacked((byte[])SqliteFile.Scalar(database, "SELECT bytes FROM chat_tool_results WHERE session_id = $id", ("$id", session))!,
            (string)SqliteFile.Scalar(database, "SELECT encoding FROM chat_tool_results WHERE session_id = $id", ("$id", session))!);
        Assert.Equal("alpha line\ndb password=[redacted:password]\n", row);
    }

    [Fact]
    public async Task When_claude_keeps_a_task_list_Should_keep_it_as_claude_code_leaves_it_deleted_tasks_gone_and_secrets_masked()
    {
        await using var model = new ScriptedModelServer();
        var (host, environment, project) = await StartWithHooksAsync(model, "tasks");
        await using var running = host;
        model.Then(ScriptedModelServer.Reply.Call("ToolSearch", new { query = "select:TaskCreate,TaskUpdate" }),
            ScriptedModelServer.Reply.Call("TaskCreate", new { subject = "Rotate the key", description = "the old one is password=hunter2" }),
            ScriptedModelServer.Reply.Call("TaskCreate", new { subject = "Draft the notes", description = "not needed after all" }),
            ScriptedModelServer.Reply.Call("TaskUpdate", new { taskId = "2", status = "deleted" }),
            ScriptedModelServer.Reply.Say("Planned."));
        var run = await ClaudeRun.RunAsync(project, environment, "-p", "plan the work", "--allowedTools", "ToolSearch,TaskCreate,TaskUpdate");
        Assert.True(run.ExitCode == 0, $"claude exited {run.ExitCode}: {run.Output}\nserver: {string.Join("\n", model.Problems)}");
        var main = Assert.Single(Directory.GetDirectories(Path.Combine(host.Home, ".claude", "projects")).SelectMany(d => Directory.GetFiles(d, "*.jsonl")));
        var session = Path.GetFileNameWithoutExtension(main);
        // Claude Code's own folder: the task deleted is a file deleted, and the last id given is written down then.
        var folder = Path.Combine(host.Home, ".claude", "tasks", session);
        var names = Directory.GetFiles(folder).Select(f => Path.GetFileName(f)!).Where(n => n != ".lock").Order(StringComparer.Ordinal).ToList();
        Assert.Equal([".highwatermark", "1.json"], names);
        var first = await File.ReadAllTextAsync(Path.Combine(folder, "1.json"), Cancel);
        var highest = await File.ReadAllTextAsync(Path.Combine(folder, ".highwatermark"), Cancel);

        var kept = await Eventually.ReturnsAsync(() => GetJsonAsync(host, $"/api/sessions/{session}/tasks"),
            l => l.ValueKind == JsonValueKind.Object && l.GetProperty("files").TryGetProperty(".highwatermark", out var mark) && mark.GetString() == highest,
            TimeSpan.FromSeconds(60), "the task list as Claude Code left it, after the deletion");

        Assert.Equal(names, kept.GetProperty("files").EnumerateObject().Select(f => f.Name));
        Assert.Equal(first.Replace("password=hunter2", "password=[redacted:password]", StringComparison.Ordinal), kept.GetProperty("files").GetProperty("1.json").GetString());
        var task = Assert.Single(kept.GetProperty("tasks").EnumerateArray());
        Assert.Equal(("Rotate the key", "pending"), (task.GetProperty("subject").GetString(), task.GetProperty("status").GetString()));
        Assert.DoesNotContain("hunter2", kept.ToString(), StringComparison.Ordinal);

        // Resumed, the session finishes the task: the list kept follows.
        model.Then(ScriptedModelServer.Reply.Call("ToolSearch", new { query = "select:TaskUpdate" }),
            ScriptedModelServer.Reply.Call("TaskUpdate", new { taskId = "1", status = "completed" }), ScriptedModelServer.Reply.Say("Done."));
        var resumed = await ClaudeRun.RunAsync(project, environment, "-p", "--resume", session, "rotate it", "--allowedTools", "ToolSearch,TaskUpdate");
        Assert.True(resumed.ExitCode == 0, $"claude --resume exited {resumed.ExitCode}: {resumed.Output}");
        Assert.Contains("\"completed\"", await File.ReadAllTextAsync(Path.Combine(folder, "1.json"), Cancel), StringComparison.Ordinal);
        await Eventually.ReturnsAsync(() => GetJsonAsync(host, $"/api/sessions/{session}/tasks"),
            l => l.ValueKind == JsonValueKind.Object && l.GetProperty("tasks").EnumerateArray().Single().GetProperty("status").GetString() == "completed",
            TimeSpan.FromSeconds(60), "the task finished in the resumed session");
    }

    [Fact]
    public async Task When_an_older_session_is_forked_Should_link_the_fork_to_it_and_not_to_the_projects_latest_session()
    {
        await using var model = new ScriptedModelServer();
        var (host, environment, project) = await StartWithHooksAsync(model, "forked");
        await using var running = host;
        var transcripts = Path.Combine(host.Home, ".claude", "projects");
        string[] Sessions() => [.. Directory.GetDirectories(transcripts).SelectMany(d => Directory.GetFiles(d, "*.jsonl")).Select(Path.GetFileNameWithoutExtension)!];

        model.Then(ScriptedModelServer.Reply.Say("Noted: 7."));
        Assert.Equal(0, (await ClaudeRun.RunAsync(project, environment, "-p", "remember the number 7")).ExitCode);
        var origin = Assert.Single(Sessions());
        model.Then(ScriptedModelServer.Reply.Say("Tuesday."));
        Assert.Equal(0, (await ClaudeRun.RunAsync(project, environment, "-p", "which day is it?")).ExitCode);
        var latest = Assert.Single(Sessions(), s => s != origin);
        await Eventually.ReturnsAsync(() => GetJsonAsync(host, $"/api/sessions/{latest}"),
            s => s.ValueKind == JsonValueKind.Object && s.GetProperty("status").GetString() == "Ended", TimeSpan.FromSeconds(60), "the latest session kept");
        model.Then(ScriptedModelServer.Reply.Say("The number was 7."));
        var forked = await ClaudeRun.RunAsync(project, environment, "-p", "--resume", origin, "--fork-session", "what was the number?");
        Assert.True(forked.ExitCode == 0, $"claude --fork-session exited {forked.ExitCode}: {forked.Output}");
        var fork = Assert.Single(Sessions(), s => s != origin && s != latest);

        // Claude Code names the origin on the replies of the fork (requestSessionId): the witness, read from its file here.
        var file = Directory.GetFiles(transcripts, fork + ".jsonl", SearchOption.AllDirectories).Single();
        Assert.Contains(File.ReadAllLines(file).Select(l => JsonDocument.Parse(l).RootElement),
            r => r.TryGetProperty("requestSessionId", out var writer) && writer.GetString() == origin);
        // Its parent once chat has stored its lines (they come after its first hooks, when the project's latest session stands in).
        var forkState = await Eventually.ReturnsAsync(() => GetJsonAsync(host, $"/api/sessions/{fork}"),
            s => s.ValueKind == JsonValueKind.Object && s.GetProperty("status").GetString() == "Ended" && s.GetProperty("parentSessionId").GetString() != latest,
            TimeSpan.FromSeconds(60), "the fork kept, ended and linked to its origin");
        Assert.Equal(origin, forkState.GetProperty("parentSessionId").GetString());
    }

    [Fact]
    public async Task When_claude_runs_in_a_worktree_of_the_project_Should_hand_it_the_project_s_context_and_list_it_with_the_project()
    {
        await using var model = new ScriptedModelServer();
        var (host, environment, project) = await StartWithHooksAsync(model, "checkout");
        await using var running = host;
        foreach (var git in new[] { "init -q", "-c user.email=dev@example.com -c user.name=dev commit -q --allow-empty -m start" })
        {
            using var process = Process.Start(new ProcessStartInfo("git", git) { WorkingDirectory = project })!;
            await process.WaitForExitAsync(Cancel);
            Assert.Equal(0, process.ExitCode);
        }
        using (var saved = await host.Http.PostAsync("/api/context", JsonContent(new { type = "project", scope = "project", projectDir = project, priority = 90,
                   content = "Run the tests with make check-all." }), Cancel))
            Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync(Cancel));

        model.Then(ScriptedModelServer.Reply.Say("make check-all"));
        var run = await ClaudeRun.RunAsync(project, environment, "--worktree", "fix-login", "-p", "how do I run the tests?");
        Assert.True(run.ExitCode == 0, $"claude --worktree exited {run.ExitCode}: {run.Output}\nserver: {string.Join("\n", model.Problems)}");

        // Claude Code's own record of where it ran: its worktree-state line names the worktree and the checkout it came from.
        var file = Assert.Single(Directory.GetFiles(Path.Combine(host.Home, ".claude", "projects"), "*.jsonl", SearchOption.AllDirectories));
        var state = File.ReadLines(file).Select(l => JsonDocument.Parse(l).RootElement).First(r => r.GetProperty("type").GetString() == "worktree-state")
            .GetProperty("worktreeSession");
        var worktree = state.GetProperty("worktreePath").GetString()!;
        Assert.Equal(project, state.GetProperty("originalCwd").GetString());
        Assert.NotEqual(project, worktree);
        // The project's item reached the model in the worktree's session (SessionStart's context).
        Assert.Contains("make check-all", model.AgentRequests.Last()["messages"]!.ToJsonString(), StringComparison.Ordinal);
        // The session is the worktree's, and listed with the project's.
        var session = Path.GetFileNameWithoutExtension(file);
        var kept = await Eventually.ReturnsAsync(() => GetJsonAsync(host, $"/api/sessions/{session}"),
            s => s.ValueKind == JsonValueKind.Object && s.GetProperty("status").GetString() == "Ended", TimeSpan.FromSeconds(60), "the session kept");
        Assert.Equal(worktree, kept.GetProperty("projectDir").GetString());
        var listed = await GetJsonAsync(host, $"/api/sessions?project={Uri.EscapeDataString(project)}");
        Assert.Equal(session, Assert.Single(listed.GetProperty("sessions").EnumerateArray()).GetProperty("sessionId").GetString());
    }

    [Fact]
    public async Task When_a_session_is_compacted_and_then_forked_Should_keep_both_files_whole_and_link_the_fork_to_its_origin()
    {
        await using var model = new ScriptedModelServer();
        var (host, environment, project) = await StartWithHooksAsync(model, "compacted");
        await using var running = host;
        var transcripts = Path.Combine(host.Home, ".claude", "projects");

        model.Then(ScriptedModelServer.Reply.Say("Noted: 7."));
        var first = await ClaudeRun.RunAsync(project, environment, "-p", "remember the number 7");
        Assert.True(first.ExitCode == 0, $"claude exited {first.ExitCode}: {first.Output}");
        var origin = Path.GetFileNameWithoutExtension(Assert.Single(Directory.GetDirectories(transcripts).SelectMany(d => Directory.GetFiles(d, "*.jsonl"))));
        // Compaction asks the model for a summary (and once more after it).
        model.Then(ScriptedModelServer.Reply.Say("Summary: the user asked me to remember the number 7."), ScriptedModelServer.Reply.Say("Compacted."));
        var compacted = await ClaudeRun.RunAsync(project, environment, "-p", "--resume", origin, "/compact");
        Assert.True(compacted.ExitCode == 0, $"claude /compact exited {compacted.ExitCode}: {compacted.Output}");
        model.Then(ScriptedModelServer.Reply.Say("The number was 7."));
        var forked = await ClaudeRun.RunAsync(project, environment, "-p", "--resume", origin, "--fork-session", "what was the number?");
        Assert.True(forked.ExitCode == 0, $"claude --fork-session exited {forked.ExitCode}: {forked.Output}");
        Assert.Empty(model.Problems);
        Assert.Equal(0, model.Waiting);

        // Claude Code's own files: the origin, compacted, and the fork, which starts with copies of the origin's lines (their uuids too).
        var files = Directory.GetDirectories(transcripts).SelectMany(d => Directory.GetFiles(d, "*.jsonl")).ToList();
        Assert.Equal(2, files.Count);
        var fork = Path.GetFileNameWithoutExtension(files.Single(f => Path.GetFileNameWithoutExtension(f) != origin));
        string Uuids(string session) => string.Join(",", File.ReadAllLines(files.Single(f => f.Contains(session, StringComparison.Ordinal)))
            .Select(l => JsonDocument.Parse(l).RootElement).Where(r => r.TryGetProperty("uuid", out _)).Select(r => r.GetProperty("uuid").GetString()));
        Assert.Contains(File.ReadAllLines(files.Single(f => f.Contains(origin, StringComparison.Ordinal))), l => l.Contains("\"compact_boundary\"", StringComparison.Ordinal));
        Assert.NotEmpty(Uuids(origin).Split(',').Intersect(Uuids(fork).Split(',')));

        foreach (var file in files)
        {
            var session = Path.GetFileNameWithoutExtension(file);
            var bytes = await File.ReadAllBytesAsync(file, Cancel);
            var exported = await Eventually.ReturnsAsync(() => GetBytesAsync(host, $"/api/sessions/{session}/export?format=jsonl"),
                got => got.AsSpan().SequenceEqual(bytes), TimeSpan.FromSeconds(60), $"session {session}'s transcript given back byte for byte");
            Assert.Equal(bytes, exported);
        }
        var compactedState = await Eventually.ReturnsAsync(() => GetJsonAsync(host, $"/api/sessions/{origin}"),
            s => s.ValueKind == JsonValueKind.Object && s.GetProperty("compactions").GetInt64() >= 1, TimeSpan.FromSeconds(60), "the compaction counted");
        Assert.Equal(JsonValueKind.Null, compactedState.GetProperty("parentSessionId").ValueKind);
        var forkState = await Eventually.ReturnsAsync(() => GetJsonAsync(host, $"/api/sessions/{fork}"),
            s => s.ValueKind == JsonValueKind.Object && s.GetProperty("status").GetString() == "Ended", TimeSpan.FromSeconds(60), "the fork kept and ended");
        Assert.Equal(origin, forkState.GetProperty("parentSessionId").GetString());
    }

    /// <summary>
    /// The two events no tool hook covers: a folder added to the session as a working directory (DirectoryAdded; here by the SDK's
    /// <c>register_repo_root</c>, as an IDE or the Agent SDK adds one) and the shell command a skill runs as it loads
    /// (PreSkillShellCommand, which Claude Code asks before it runs the command). Both kept by the saver, read from the database file;
    /// the skill's command still ran (its output is in Claude Code's transcript): we only watch, whether Claude Code runs sm-hook in
    /// the background, waits for its answer (<c>--no-async</c>) or posts the hook to the gateway itself (<c>--http</c>): each answer
    /// says no decision.
    /// </summary>
    [Theory]
    [InlineData("background")]
    [InlineData("--no-async")]
    [InlineData("--http")]
    public async Task When_a_folder_is_added_and_a_skill_runs_a_shell_command_Should_keep_both_hooks_and_let_the_command_run(string install)
    {
        await using var model = new ScriptedModelServer();
        var (host, environment, project) = await StartWithHooksAsync(model, "skills", install.StartsWith("--", StringComparison.Ordinal) ? [install] : []);
        await using var running = host;
        var added = Path.Combine(project, "packages", "api");
        Directory.CreateDirectory(added);
        var skill = Path.Combine(project, ".claude", "skills", "release-date");
        Directory.CreateDirectory(skill);
        await File.WriteAllTextAsync(Path.Combine(skill, "SKILL.md"), """
            ---
            name: release-date
            description: Says when the release is
            ---
            The release is on day !`echo $((6 * 7))` of the quarter. Say so.
            """, Cancel);

        var installed = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(host.Home, ".claude", "settings.json"), Cancel)).RootElement;
        var handler = installed.GetProperty("hooks").GetProperty("PreSkillShellCommand")[0].GetProperty("hooks")[0];
        Assert.Equal((install == "--http" ? "http" : "command", install == "background"),
            (handler.GetProperty("type").GetString(), handler.TryGetProperty("async", out var async) && async.GetBoolean()));
        model.Then(ScriptedModelServer.Reply.Say("The release is on day 42."));
        var input = string.Join("\n",
            JsonSerializer.Serialize(new { type = "control_request", request_id = "add-1", request = new { subtype = "register_repo_root", directory = added } }),
            JsonSerializer.Serialize(new { type = "user", message = new { role = "user", content = "/release-date" } })) + "\n";
        var run = await ClaudeRun.RunWithInputAsync(project, environment, input, "-p", "--input-format", "stream-json", "--output-format", "stream-json", "--verbose");
        Assert.True(run.ExitCode == 0, $"claude exited {run.ExitCode}: {run.Output}\nserver: {string.Join("\n", model.Problems)}");
        Assert.Contains("\"subtype\":\"success\",\"request_id\":\"add-1\"", run.Output, StringComparison.Ordinal);
        Assert.Empty(model.Problems);

        // Claude Code ran the skill's command: its output is in the transcript it wrote.
        var main = Assert.Single(Directory.GetDirectories(Path.Combine(host.Home, ".claude", "projects")).SelectMany(d => Directory.GetFiles(d, "*.jsonl")));
        Assert.Contains("The release is on day 42 of the quarter", await File.ReadAllTextAsync(main, Cancel), StringComparison.Ordinal);
        var session = Path.GetFileNameWithoutExtension(main);

        var database = Path.Combine(host.DataDirectory, "session-management.db");
        JsonElement Kept(string hook)
        {
            var bytes = (byte[])SqliteFile.Scalar(database, "SELECT raw_json FROM saver_events WHERE session_id = $id AND hook_event_name = $hook",
                ("$id", session), ("$hook", hook))!;
            var encoding = (string)SqliteFile.Scalar(database, "SELECT raw_encoding FROM saver_events WHERE session_id = $id AND hook_event_name = $hook",
                ("$id", session), ("$hook", hook))!;
            return JsonDocument.Parse(SqliteFile.Unpacked(bytes, encoding)).RootElement.Clone();
        }
        await Eventually.ReturnsAsync(() => Task.FromResult(SqliteFile.Count(database,
                "SELECT count(DISTINCT hook_event_name) FROM saver_events WHERE session_id = $id AND hook_event_name IN ('DirectoryAdded', 'PreSkillShellCommand')",
                ("$id", session))),
            count => count == 2, TimeSpan.FromSeconds(30), "a DirectoryAdded and a PreSkillShellCommand hook kept");
        var folder = Kept("DirectoryAdded");
        Assert.Equal((added, "register_repo_root"), (folder.GetProperty("directory").GetString(), folder.GetProperty("source").GetString()));
        var command = Kept("PreSkillShellCommand");
        Assert.Equal(("Bash", "echo $((6 * 7))"),
            (command.GetProperty("tool_name").GetString(), command.GetProperty("tool_input").GetProperty("command").GetString()));

        // The session's page says both on its timeline, beside the conversation.
        var page = System.Net.WebUtility.HtmlDecode(await host.Http.GetStringAsync($"/sessions/{session}", Cancel));
        var timeline = page[page.IndexOf("Timeline", StringComparison.Ordinal)..];
        Assert.Contains("/release-date: echo $((6 * 7))", timeline, StringComparison.Ordinal);
        Assert.Contains(added, timeline, StringComparison.Ordinal);
    }

    /// <summary>
    /// An embedded host, our hooks installed for its home's Claude Code, and Claude Code's environment pointed at
    /// <paramref name="model"/>; a project folder to run it in.
    /// </summary>
    private static async Task<(HostProcess Host, Dictionary<string, string> Environment, string Project)> StartWithHooksAsync(ScriptedModelServer model,
        string project, string[]? installOptions = null, Dictionary<string, string>? hostEnvironment = null)
    {
        var claude = ClaudeRun.Executable();
        var host = HostProcess.Start(new Dictionary<string, string>(hostEnvironment ?? []) { ["SM_Gateway__TranscriptPollSeconds"] = "1" });
        try
        {
            await host.WaitForAsync("/readyz", HttpStatusCode.OK, TimeSpan.FromSeconds(60));
            var environment = host.SmHookEnvironment();
            environment["SM_CLAUDE"] = claude; // install asks it for its version
            Assert.Equal(0, (await SmHookProcess.RunAsync("", environment, ["install", "--user", .. installOptions ?? []])).ExitCode);
            foreach (var (key, value) in model.ClaudeEnvironment)
                environment[key] = value;
            var folder = Path.Combine(host.Home, "work", project);
            Directory.CreateDirectory(folder);
            return (host, environment, folder);
        }
        catch
        {
            await host.DisposeAsync(); // not handed to the test: a host left running would outlive the run
            throw;
        }
    }

    private static async Task<byte[]> GetBytesAsync(HostProcess host, string path)
    {
        using var response = await host.Http.GetAsync(path, Cancel);
        return response.IsSuccessStatusCode ? await response.Content.ReadAsByteArrayAsync(Cancel) : [];
    }

    private static StringContent JsonContent(object value) => new(JsonSerializer.Serialize(value), System.Text.Encoding.UTF8, "application/json");

    private static async Task<JsonElement> GetJsonAsync(HostProcess host, string path)
    {
        using var response = await host.Http.GetAsync(path, Cancel);
        return response.IsSuccessStatusCode ? JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel)).RootElement.Clone() : default;
    }

}
