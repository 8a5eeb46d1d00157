using System.Net;
using System.Text.Json;
using SessionManagement.Testing;

namespace SessionManagement.Cli.Tests;

/// <summary>
/// A session recorded by the real Claude Code (answered by <see cref="ScriptedModelServer"/>), imported with <c>smctl import</c>,
/// given back with <c>smctl restore</c> into another Claude Code folder — as on another machine — and resumed there by Claude Code
/// itself: what it sends the model must carry the restored conversation. The tests share one host, each with sessions of its own;
/// those that configure or restart a host start their own.
/// </summary>
public sealed class RestoreTests(EmbeddedHost shared) : IClassFixture<EmbeddedHost>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task When_a_session_is_restored_into_another_claude_folder_Should_be_the_same_bytes_and_resume_with_its_conversation()
    {
        await using var model = new ScriptedModelServer();
        var host = shared.Host;
        using var machines = new TempDirectory();
        var (original, session, project) = await RecordAsync(model, machines.Path, "first", "remember the number 7", "Noted: 7.");
        var smctl = new Dictionary<string, string> { ["SM_GATEWAY_URL"] = host.BaseAddress.ToString() };

        var imported = await SmctlProcess.RunAsync(smctl, "import", Path.Combine(machines.Path, "first", "projects"), "--json");
        var elsewhere = Path.Combine(machines.Path, "second");
        var restored = await SmctlProcess.RunAsync(smctl, "restore", session, "--config-dir", elsewhere);
        var again = await SmctlProcess.RunAsync(smctl, "restore", session, "--config-dir", elsewhere);

        Assert.True(imported.ExitCode == 0, imported.Stderr);
        Assert.Equal(1, JsonDocument.Parse(imported.Stdout).RootElement.GetProperty("imported").GetInt32());
        Assert.True(restored.ExitCode == 0, restored.Stderr);
        var copy = Path.Combine(elsewhere, "projects", ClaudeProjects.FolderName(project), session + ".jsonl");
        Assert.Equal(await File.ReadAllBytesAsync(original, Cancel), await File.ReadAllBytesAsync(copy, Cancel));
        Assert.Contains($"claude --resume {session}", restored.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, again.ExitCode); // the same file already there: nothing to do

        model.Then(ScriptedModelServer.Reply.Say("The number was 7."));
        var resumed = await ClaudeRun.RunAsync(project, Claude(model, elsewhere), "-p", "--resume", session, "what was the number?");
        Assert.True(resumed.ExitCode == 0, $"claude --resume exited {resumed.ExitCode}: {resumed.Output}");
        Assert.Contains("The number was 7.", resumed.Output, StringComparison.Ordinal);
        var sent = model.AgentRequests.Last()["messages"]!.ToJsonString();
        Assert.Contains("remember the number 7", sent, StringComparison.Ordinal);
        Assert.Contains("Noted: 7.", sent, StringComparison.Ordinal);

        // The file went on past the kept session (resumed here, where no hook took it in): it is the session, left as it is.
        await File.AppendAllTextAsync(copy, "{\"type\":\"user\",\"note\":\"written since\"}\n", Cancel);
        var wentOn = await File.ReadAllBytesAsync(copy, Cancel);
        var left = await SmctlProcess.RunAsync(smctl, "restore", session, "--config-dir", elsewhere);
        Assert.True(left.ExitCode == 0, left.Stderr);
        Assert.Contains($"already there {copy}", left.Stdout, StringComparison.Ordinal);
        Assert.Contains("gone on past what is kept", left.Stdout, StringComparison.Ordinal);
        Assert.Equal(wentOn, await File.ReadAllBytesAsync(copy, Cancel));

        // A different file where the session would go is never overwritten.
        var bytes = await File.ReadAllBytesAsync(original, Cancel);
        var firstLine = Array.IndexOf(bytes, (byte)'\n') + 1;
        byte[] other = [.. "{\"type\":\"user\",\"note\":\"another session\"}\n"u8, .. bytes[firstLine..]];
        await File.WriteAllBytesAsync(copy, other, Cancel);
        var refused = await SmctlProcess.RunAsync(smctl, "restore", session, "--config-dir", elsewhere);
        Assert.Equal(7, refused.ExitCode);
        Assert.Contains("differs from the kept session", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal(other, await File.ReadAllBytesAsync(copy, Cancel));

        // A file holding the session's first lines (it went on elsewhere since) is completed in place; one cut mid-line is not.
        await File.WriteAllBytesAsync(copy, bytes[..(firstLine + 10)], Cancel);
        var cut = await SmctlProcess.RunAsync(smctl, "restore", session, "--config-dir", elsewhere);
        Assert.Equal(7, cut.ExitCode);
        await File.WriteAllBytesAsync(copy, bytes[..firstLine], Cancel);
        var completed = await SmctlProcess.RunAsync(smctl, "restore", session, "--config-dir", elsewhere);
        Assert.True(completed.ExitCode == 0, completed.Stderr);
        Assert.Contains("completed", completed.Stdout, StringComparison.Ordinal);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(copy, Cancel));
    }

    [Fact]
    public async Task When_a_session_is_handed_to_a_project_in_another_folder_Should_rehome_its_paths_and_resume_there()
    {
        await using var model = new ScriptedModelServer();
        var host = shared.Host;
        using var machines = new TempDirectory();
        var (original, session, project) = await RecordAsync(model, machines.Path, "mine", "the release is on Friday", "Noted: Friday.");
        var smctl = new Dictionary<string, string> { ["SM_GATEWAY_URL"] = host.BaseAddress.ToString() };
        Assert.Equal(0, (await SmctlProcess.RunAsync(smctl, "import", original)).ExitCode);
        var teammates = Path.Combine(machines.Path, "teammate");
        var moved = Path.Combine(machines.Path, "teammate-checkout", "app");
        Directory.CreateDirectory(moved);

        var handed = await SmctlProcess.RunAsync(smctl, "restore", session, "--config-dir", teammates, "--to-project", moved);

        Assert.True(handed.ExitCode == 0, handed.Stderr);
        var copy = Path.Combine(teammates, "projects", ClaudeProjects.FolderName(moved), session + ".jsonl");
        var lines = await File.ReadAllLinesAsync(copy, Cancel);
        var cwds = lines.Select(l => JsonDocument.Parse(l).RootElement).Where(r => r.TryGetProperty("cwd", out _)).Select(r => r.GetProperty("cwd").GetString()).Distinct().ToList();
        Assert.Equal([moved], cwds);
        Assert.Equal((await File.ReadAllTextAsync(original, Cancel)).Replace($"\"cwd\":\"{project}\"", $"\"cwd\":\"{moved}\"", StringComparison.Ordinal),
            await File.ReadAllTextAsync(copy, Cancel)); // nothing else in the file changed

        model.Then(ScriptedModelServer.Reply.Say("On Friday."));
        var resumed = await ClaudeRun.RunAsync(moved, Claude(model, teammates), "-p", "--resume", session, "when is the release?");
        Assert.True(resumed.ExitCode == 0, $"claude --resume exited {resumed.ExitCode}: {resumed.Output}");
        Assert.Contains("the release is on Friday", model.AgentRequests.Last()["messages"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_a_session_was_moved_with_cd_Should_be_restored_where_Claude_Code_moved_it_and_handed_off_by_its_new_folder()
    {
        await using var model = new ScriptedModelServer();
        var host = shared.Host;
        using var machines = new TempDirectory();
        var (recorded, session, project) = await RecordAsync(model, machines.Path, "mine", "the release is on Friday", "Noted: Friday.");
        // Then /cd to another folder, as Claude Code 2.1.332 does it: the file moved under that folder's name, a line naming the folder
        // added (its code: {type:"relocated",sessionId,relocatedCwd}); the session is that folder's from then on.
        var web = Path.Combine(machines.Path, "mine-work", "web");
        var original = Path.Combine(machines.Path, "mine", "projects", ClaudeProjects.FolderName(web), session + ".jsonl");
        Directory.CreateDirectory(Path.GetDirectoryName(original)!);
        File.Move(recorded, original);
        await File.AppendAllTextAsync(original, $"{{\"type\":\"relocated\",\"sessionId\":\"{session}\",\"relocatedCwd\":\"{web}\"}}\n", Cancel);
        var smctl = new Dictionary<string, string> { ["SM_GATEWAY_URL"] = host.BaseAddress.ToString() };
        Assert.Equal(0, (await SmctlProcess.RunAsync(smctl, "import", original)).ExitCode);
        var (second, teammates, moved) = (Path.Combine(machines.Path, "second"), Path.Combine(machines.Path, "teammate"), Path.Combine(machines.Path, "teammate-checkout", "web"));
        Directory.CreateDirectory(moved);

        var restored = await SmctlProcess.RunAsync(smctl, "restore", session, "--config-dir", second);
        var handed = await SmctlProcess.RunAsync(smctl, "restore", session, "--config-dir", teammates, "--to-project", moved);

        Assert.True(restored.ExitCode == 0, restored.Stderr);
        Assert.Equal(await File.ReadAllBytesAsync(original, Cancel),
            await File.ReadAllBytesAsync(Path.Combine(second, "projects", ClaudeProjects.FolderName(web), session + ".jsonl"), Cancel));
        Assert.Contains($"cd {web} && claude --resume {session}", restored.Stdout, StringComparison.Ordinal);
        Assert.True(handed.ExitCode == 0, handed.Stderr);
        // The folder it was moved to is the teammate's; the lines written before the move keep the folder they were written in.
        Assert.Equal((await File.ReadAllTextAsync(original, Cancel)).Replace($"\"relocatedCwd\":\"{web}\"", $"\"relocatedCwd\":\"{moved}\"", StringComparison.Ordinal),
            await File.ReadAllTextAsync(Path.Combine(teammates, "projects", ClaudeProjects.FolderName(moved), session + ".jsonl"), Cancel));
        Assert.Contains($"\"cwd\":\"{project}\"", await File.ReadAllTextAsync(original, Cancel), StringComparison.Ordinal);

        model.Then(ScriptedModelServer.Reply.Say("On Friday."));
        var resumed = await ClaudeRun.RunAsync(moved, Claude(model, teammates), "-p", "--resume", session, "when is the release?");
        Assert.True(resumed.ExitCode == 0, $"claude --resume exited {resumed.ExitCode}: {resumed.Output}");
        Assert.Contains("the release is on Friday", model.AgentRequests.Last()["messages"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_a_handed_off_session_is_resumed_with_our_hooks_Should_keep_each_line_once_and_add_the_new_ones_after_the_held_file()
    {
        // Claude Code with our hooks installed, so the gateway ships what it writes: first in a project, then, after the hand-off, in a
        // folder whose path is shorter (the re-homed lines lie before their offsets in the store).
        await using var model = new ScriptedModelServer();
        await using var host = HostProcess.Start(new Dictionary<string, string> { ["SM_Gateway__TranscriptPollSeconds"] = "1" });
        await host.WaitForAsync("/readyz", HttpStatusCode.OK, TimeSpan.FromSeconds(60));
        var claude = new Dictionary<string, string>(host.SmHookEnvironment()) { ["SM_CLAUDE"] = ClaudeRun.Executable() };
        Assert.Equal(0, (await SmHookProcess.RunAsync("", claude, "install", "--user")).ExitCode);
        foreach (var (key, value) in model.ClaudeEnvironment)
            claude[key] = value;
        var project = Path.Combine(host.Home, "work", "the-long-project-name", "app");
        var moved = Path.Combine(host.Home, "w");
        Directory.CreateDirectory(project);
        Directory.CreateDirectory(moved);
        model.Then(ScriptedModelServer.Reply.Say("Noted: 7."));
        Assert.Equal(0, (await ClaudeRun.RunAsync(project, claude, "-p", "remember the number 7")).ExitCode);
        var projects = Path.Combine(host.Home, ".claude", "projects");
        var original = Assert.Single(Directory.GetFiles(projects, "*.jsonl", SearchOption.AllDirectories));
        var session = Path.GetFileNameWithoutExtension(original);
        var held = await File.ReadAllBytesAsync(original, Cancel);
        await Eventually.ReturnsAsync(() => ExportAsync(host, session), got => got.AsSpan().SequenceEqual(held), TimeSpan.FromSeconds(60),
            "the session held whole before it is handed off");
        var smctl = new Dictionary<string, string> { ["SM_GATEWAY_URL"] = host.BaseAddress.ToString() };

        var handed = await SmctlProcess.RunAsync(smctl, "restore", session, "--config-dir", Path.Combine(host.Home, ".claude"), "--to-project", moved);
        Assert.True(handed.ExitCode == 0, handed.Stdout + handed.Stderr);
        var copy = Path.Combine(projects, ClaudeProjects.FolderName(moved), session + ".jsonl");
        var restoredLength = new FileInfo(copy).Length;
        Assert.True(restoredLength < held.Length); // each cwd is shorter now
        model.Then(ScriptedModelServer.Reply.Say("The number was 7."));
        var resumed = await ClaudeRun.RunAsync(moved, claude, "-p", "--resume", session, "what was the number?");
        Assert.True(resumed.ExitCode == 0, $"claude --resume exited {resumed.ExitCode}: {resumed.Output}");
        Assert.Contains("remember the number 7", model.AgentRequests.Last()["messages"]!.ToJsonString(), StringComparison.Ordinal);

        // What Claude Code added in the new folder, read from its file: the store holds the session's file, then those lines, each once.
        var added = (await File.ReadAllBytesAsync(copy, Cancel))[(int)restoredLength..];
        Assert.Contains("The number was 7.", System.Text.Encoding.UTF8.GetString(added), StringComparison.Ordinal);
        byte[] expected = [.. held, .. added];
        var exported = await Eventually.ReturnsAsync(() => ExportAsync(host, session), got => got.AsSpan().SequenceEqual(expected), TimeSpan.FromSeconds(60),
            "the held file, then the lines Claude Code added after the hand-off");
        Assert.Equal(expected, exported);

        // Importing both folders (the old file and the new one) takes nothing again.
        var imported = await SmctlProcess.RunAsync(smctl, "import", projects, "--json");
        Assert.True(imported.ExitCode == 0, imported.Stderr);
        Assert.Equal(0, JsonDocument.Parse(imported.Stdout).RootElement.GetProperty("added").GetInt64());
        Assert.Equal(expected, await ExportAsync(host, session));
    }

    private static async Task<byte[]> ExportAsync(HostProcess host, string session)
    {
        using var response = await host.Http.GetAsync($"/api/sessions/{session}/export?format=jsonl", Cancel);
        return response.IsSuccessStatusCode ? await response.Content.ReadAsByteArrayAsync(Cancel) : [];
    }

    [Fact]
    public async Task When_the_file_there_holds_the_kept_records_with_its_own_paths_Should_take_it_as_the_session_and_complete_one_with_their_beginning()
    {
        var host = shared.Host;
        using var machine = new TempDirectory();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (session, original, handedTo) = ("records-" + suffix, "/work/records-a-long-folder-" + suffix, "/work/records-b-" + suffix);
        string Record(int i, string cwd) => TranscriptLines.User(session, $"u{i}", i == 0 ? null : $"u{i - 1}", i, $"prompt {i}", cwd);
        // What the store holds: the session's first lines from its original folder, what it added after the hand-off from the other.
        var kept = Path.Combine(machine.Path, session + ".jsonl");
        await File.WriteAllTextAsync(kept, string.Concat(Enumerable.Range(0, 5).Select(i => Record(i, i < 3 ? original : handedTo) + "\n")), Cancel);
        var smctl = new Dictionary<string, string> { ["SM_GATEWAY_URL"] = host.BaseAddress.ToString() };
        Assert.Equal(0, (await SmctlProcess.RunAsync(smctl, "import", kept)).ExitCode);
        await host.PostHookAsync($$"""{"session_id":"{{session}}","hook_event_name":"SessionStart","source":"resume","cwd":"{{handedTo}}"}""", Cancel);
        await Eventually.ReturnsAsync(() => host.Http.GetStringAsync($"/api/sessions/{session}", Cancel), s => s.Contains(handedTo, StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), "the session's latest working directory");
        // Claude Code's own copy in the folder it was handed to: the same records, every one with that folder's path.
        var config = Path.Combine(machine.Path, "claude");
        var there = ClaudeProjects.TranscriptPath(config, handedTo, session);
        Directory.CreateDirectory(Path.GetDirectoryName(there)!);
        var copy = Enumerable.Range(0, 5).Select(i => Record(i, handedTo) + "\n").ToList();

        await File.WriteAllTextAsync(there, string.Concat(copy), Cancel);
        var whole = await SmctlProcess.RunAsync(smctl, "restore", session, "--config-dir", config);
        var wholeAfter = await File.ReadAllTextAsync(there, Cancel);
        await File.WriteAllTextAsync(there, string.Concat(copy.Take(4)), Cancel);
        var beginning = await SmctlProcess.RunAsync(smctl, "restore", session, "--config-dir", config);
        var completed = await File.ReadAllTextAsync(there, Cancel);
        await File.WriteAllTextAsync(there, copy[0] + Record(7, handedTo) + "\n", Cancel);
        var other = await SmctlProcess.RunAsync(smctl, "restore", session, "--config-dir", config);

        Assert.True(whole.ExitCode == 0, whole.Stderr);
        Assert.Contains("already there", whole.Stdout, StringComparison.Ordinal);
        Assert.Equal(string.Concat(copy), wholeAfter);
        Assert.True(beginning.ExitCode == 0, beginning.Stderr);
        Assert.Contains("completed", beginning.Stdout, StringComparison.Ordinal);
        Assert.Equal(string.Concat(copy.Take(4)) + File.ReadLines(kept).Last() + "\n", completed); // the kept file's line after the four
        Assert.Equal(7, other.ExitCode);
    }

    [Fact]
    public async Task When_a_session_is_not_kept_whole_Should_refuse_to_restore_it_rather_than_write_half_a_conversation()
    {
        await using var host = HostProcess.Start(new Dictionary<string, string> { ["SM_session_management__chat_management__history_retention"] = "2" });
        await host.WaitForAsync("/readyz", HttpStatusCode.OK, TimeSpan.FromSeconds(60));
        using var machine = new TempDirectory();
        var session = "trimmed-" + Guid.NewGuid().ToString("N")[..8];
        var transcript = Path.Combine(machine.Path, session + ".jsonl");
        await File.WriteAllTextAsync(transcript, string.Join("\n", Enumerable.Range(0, 4).Select(i =>
            TranscriptLines.User(session, $"u{i}", i == 0 ? null : $"u{i - 1}", i, $"prompt {i}", "/work/trimmed"))) + "\n", Cancel);
        var smctl = new Dictionary<string, string> { ["SM_GATEWAY_URL"] = host.BaseAddress.ToString() };
        Assert.Equal(0, (await SmctlProcess.RunAsync(smctl, "import", transcript)).ExitCode);

        var refused = await SmctlProcess.RunAsync(smctl, "restore", session, "--config-dir", Path.Combine(machine.Path, "claude"));

        Assert.Equal(9, refused.ExitCode);
        Assert.Contains("is not kept whole", refused.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(machine.Path, "claude", "projects")));
    }

    [Fact]
    public async Task When_a_session_is_branched_at_a_message_Should_resume_from_there_as_a_child_of_it()
    {
        await using var model = new ScriptedModelServer();
        var host = shared.Host;
        using var machines = new TempDirectory();
        var (original, session, project) = await RecordAsync(model, machines.Path, "mine", "use tabs for indentation", "Tabs it is.");
        var config = Path.Combine(machines.Path, "mine");
        model.Then(ScriptedModelServer.Reply.Say("Spaces from now on."));
        Assert.Equal(0, (await ClaudeRun.RunAsync(project, Claude(model, config), "-p", "--resume", session, "no, use spaces")).ExitCode);
        var smctl = new Dictionary<string, string> { ["SM_GATEWAY_URL"] = host.BaseAddress.ToString() };
        Assert.Equal(0, (await SmctlProcess.RunAsync(smctl, "import", original)).ExitCode);
        // The message to branch at: the first reply, as Claude Code wrote it (read here, not through the product).
        var firstReply = File.ReadLines(original).Select(l => JsonDocument.Parse(l).RootElement)
            .First(r => r.GetProperty("type").GetString() == "assistant").GetProperty("uuid").GetString()!;

        var branched = await SmctlProcess.RunAsync(smctl, "branch", session, "--at", firstReply, "--config-dir", config, "--json");

        Assert.True(branched.ExitCode == 0, branched.Stderr);
        var branch = JsonDocument.Parse(branched.Stdout).RootElement.GetProperty("sessionId").GetString()!;
        var state = await Eventually.ReturnsAsync(async () =>
            {
                using var response = await host.Http.GetAsync($"/api/sessions/{branch}", Cancel);
                return response.IsSuccessStatusCode ? JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel)).RootElement.Clone() : default;
            }, found => found.ValueKind == JsonValueKind.Object, TimeSpan.FromSeconds(30), "the branch kept by the saver");
        Assert.Equal(session, state.GetProperty("parentSessionId").GetString());
        model.Then(ScriptedModelServer.Reply.Say("Tabs, as you said."));
        var resumed = await ClaudeRun.RunAsync(project, Claude(model, config), "-p", "--resume", branch, "which indentation?");
        Assert.True(resumed.ExitCode == 0, resumed.Output);
        var sent = model.AgentRequests.Last()["messages"]!.ToJsonString();
        Assert.Contains("use tabs for indentation", sent, StringComparison.Ordinal);
        Assert.Contains("Tabs it is.", sent, StringComparison.Ordinal);
        Assert.DoesNotContain("no, use spaces", sent, StringComparison.Ordinal); // after the branch point
        var missing = await SmctlProcess.RunAsync(smctl, "branch", session, "--at", "no-such-message", "--config-dir", config);
        Assert.Equal(4, missing.ExitCode);
    }

    [Fact]
    public async Task When_a_project_path_is_longer_than_claude_codes_folder_names_Should_name_its_folder_as_claude_code_does()
    {
        await using var model = new ScriptedModelServer();
        using var machine = new TempDirectory();
        var project = Path.Combine(machine.Path, string.Join('/', Enumerable.Range(0, 12).Select(i => $"a-rather-long-folder-name-{i}")));
        Directory.CreateDirectory(project);
        model.Then(ScriptedModelServer.Reply.Say("Hello."));

        var run = await ClaudeRun.RunAsync(project, Claude(model, Path.Combine(machine.Path, "claude")), "-p", "hello");

        Assert.True(run.ExitCode == 0, run.Output);
        var folder = Path.GetFileName(Assert.Single(Directory.GetDirectories(Path.Combine(machine.Path, "claude", "projects"))));
        Assert.True(project.Length > 200);
        Assert.Equal(folder, ClaudeProjects.FolderName(project));
    }

    /// <summary>Claude Code's environment: the scripted model, and <paramref name="configDirectory"/> as its folder.</summary>
    /// <summary>
    /// The way back when everything else is gone: the store lost, and the transcript deleted as Claude Code's cleanup deletes it. The
    /// backups alone give the session back to Claude Code, byte for byte, and it resumes with its conversation.
    /// </summary>
    [Fact]
    public async Task When_the_store_and_the_transcript_are_gone_Should_restore_the_session_from_the_backups_and_resume_it()
    {
        await using var model = new ScriptedModelServer();
        await using var host = HostProcess.Start(); // disposed once more at the end (a second dispose does nothing), or by a failure before
        await host.WaitForAsync("/readyz", HttpStatusCode.OK, TimeSpan.FromSeconds(60));
        using var machines = new TempDirectory();
        var (original, session, project) = await RecordAsync(model, machines.Path, "first", "remember the number 7", "Noted: 7.");
        var bytes = await File.ReadAllBytesAsync(original, Cancel);
        var smctl = new Dictionary<string, string> { ["SM_GATEWAY_URL"] = host.BaseAddress.ToString() };
        Assert.Equal(0, (await SmctlProcess.RunAsync(smctl, "import", Path.Combine(machines.Path, "first", "projects"))).ExitCode);
        Assert.Equal(0, (await SmctlProcess.RunAsync(smctl, "backups", "run")).ExitCode);
        var backups = Path.Combine(host.DataDirectory, "backups");
        await Eventually.ReturnsAsync(() => Task.FromResult(Directory.Exists(backups) ? Directory.GetFiles(backups, "*.lines", SearchOption.AllDirectories).Length : 0),
            n => n == 1, TimeSpan.FromSeconds(60), "the session's transcript backed up");
        host.Signal(HostProcess.SigTerm);
        Assert.Equal(0, await host.WaitForExitAsync(TimeSpan.FromSeconds(60)));

        foreach (var file in Directory.GetFiles(host.DataDirectory, "session-management.db*"))
            File.Delete(file);
        File.Delete(original);
        await using var restored = host.StartAgain("--restore-backups=true");
        await host.DisposeAsync();
        await restored.WaitForAsync("/readyz", HttpStatusCode.OK, TimeSpan.FromSeconds(60));
        var elsewhere = Path.Combine(machines.Path, "second");
        var given = await SmctlProcess.RunAsync(new Dictionary<string, string> { ["SM_GATEWAY_URL"] = restored.BaseAddress.ToString() },
            "restore", session, "--config-dir", elsewhere);

        Assert.True(given.ExitCode == 0, given.Stderr);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(Path.Combine(elsewhere, "projects", ClaudeProjects.FolderName(project), session + ".jsonl"), Cancel));
        model.Then(ScriptedModelServer.Reply.Say("The number was 7."));
        var resumed = await ClaudeRun.RunAsync(project, Claude(model, elsewhere), "-p", "--resume", session, "what was the number?");
        Assert.True(resumed.ExitCode == 0, $"claude --resume exited {resumed.ExitCode}: {resumed.Output}");
        var sent = model.AgentRequests.Last()["messages"]!.ToJsonString();
        Assert.Contains("remember the number 7", sent, StringComparison.Ordinal);
        Assert.Contains("Noted: 7.", sent, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Claude(ScriptedModelServer model, string configDirectory)
    {
        var environment = new Dictionary<string, string>(model.ClaudeEnvironment) { ["CLAUDE_CONFIG_DIR"] = configDirectory, ["HOME"] = Path.GetDirectoryName(configDirectory)! };
        return environment;
    }

    [Fact]
    public async Task When_claude_code_holds_the_session_under_another_folder_than_its_latest_Should_restore_into_that_file_not_beside_it()
    {
        await using var model = new ScriptedModelServer();
        var host = shared.Host;
        using var machines = new TempDirectory();
        var (transcript, session, project) = await RecordAsync(model, machines.Path, "first", "remember the number 7", "Noted: 7.");
        var config = Path.Combine(machines.Path, "first");
        // Resumed from another folder, Claude Code goes on in the file where it lies (the witness: still one file, its new lines there).
        var elsewhere = Path.Combine(machines.Path, "first-work", "elsewhere");
        Directory.CreateDirectory(elsewhere);
        model.Then(ScriptedModelServer.Reply.Say("It was 7."));
        var resumed = await ClaudeRun.RunAsync(elsewhere, Claude(model, config), "-p", "--resume", session, "what was it?");
        Assert.True(resumed.ExitCode == 0, $"claude --resume exited {resumed.ExitCode}: {resumed.Output}");
        Assert.Equal([transcript], Directory.GetFiles(Path.Combine(config, "projects"), "*.jsonl", SearchOption.AllDirectories));
        Assert.Contains(File.ReadLines(transcript), l => l.Contains($"\"cwd\":{JsonSerializer.Serialize(elsewhere)}", StringComparison.Ordinal));
        var smctl = new Dictionary<string, string> { ["SM_GATEWAY_URL"] = host.BaseAddress.ToString() };
        Assert.Equal(0, (await SmctlProcess.RunAsync(smctl, "import", Path.Combine(config, "projects"))).ExitCode);
        // Its hooks, had they been installed, name the folder it was resumed from as its latest.
        using (var hook = await host.Http.PostAsync("/hooks", new StringContent(
                   JsonSerializer.Serialize(new { session_id = session, hook_event_name = "SessionStart", cwd = elsewhere, source = "resume" }),
                   System.Text.Encoding.UTF8, "application/json"), Cancel))
            Assert.True(hook.IsSuccessStatusCode);
        await Eventually.ReturnsAsync(async () => (await SmctlProcess.RunAsync(smctl, "sessions", "show", session, "--json")).Stdout,
            shown => shown.Contains(JsonSerializer.Serialize(elsewhere), StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the resume's folder kept");
        var bytes = await File.ReadAllBytesAsync(transcript, Cancel);

        var restored = await SmctlProcess.RunAsync(smctl, "restore", session, "--config-dir", config);

        Assert.True(restored.ExitCode == 0, restored.Stderr);
        Assert.Contains($"already there {transcript}", restored.Stdout, StringComparison.Ordinal);
        Assert.Equal([transcript], Directory.GetFiles(Path.Combine(config, "projects"), "*.jsonl", SearchOption.AllDirectories));
        Assert.Equal(bytes, await File.ReadAllBytesAsync(transcript, Cancel));
        Assert.Equal(project, JsonDocument.Parse(File.ReadLines(transcript).First(l => l.Contains("\"cwd\"", StringComparison.Ordinal))).RootElement.GetProperty("cwd").GetString());
    }

    [Fact]
    public async Task When_claude_code_kept_a_tool_output_in_a_file_Should_import_it_restore_it_and_the_resumed_session_read_it()
    {
        await using var model = new ScriptedModelServer();
        var host = shared.Host;
        using var machines = new TempDirectory();
        var (transcript, session, project, output) = await RecordLargeOutputAsync(model, machines.Path, "seq 1 60000 && echo password=hunter2");
        var config = Path.Combine(machines.Path, "first");
        var original = await File.ReadAllTextAsync(output, Cancel);
        Assert.Contains("\n60000\n", original, StringComparison.Ordinal);
        Assert.DoesNotContain("\\n59999\\n", await File.ReadAllTextAsync(transcript, Cancel), StringComparison.Ordinal); // only in the file
        var lastReply = File.ReadLines(transcript).Select(l => JsonDocument.Parse(l).RootElement) // read here, as Claude Code wrote it
            .Last(r => r.GetProperty("type").GetString() == "assistant").GetProperty("uuid").GetString()!;
        var smctl = new Dictionary<string, string> { ["SM_GATEWAY_URL"] = host.BaseAddress.ToString() };

        var imported = await SmctlProcess.RunAsync(smctl, "import", Path.Combine(config, "projects"), "--json");
        var again = await SmctlProcess.RunAsync(smctl, "import", Path.Combine(config, "projects"), "--json");
        Directory.Delete(Path.Combine(config, "projects"), recursive: true); // Claude Code's cleanup: only the store has it now
        var elsewhere = Path.Combine(machines.Path, "second");
        var restored = await SmctlProcess.RunAsync(smctl, "restore", session, "--config-dir", elsewhere);

        Assert.True(imported.ExitCode == 0, imported.Stderr);
        Assert.Equal(1, JsonDocument.Parse(imported.Stdout).RootElement.GetProperty("toolOutputs").GetProperty("imported").GetInt32());
        Assert.True(again.ExitCode == 0, again.Stderr);
        var second = JsonDocument.Parse(again.Stdout).RootElement.GetProperty("toolOutputs");
        Assert.Equal((0, 1), (second.GetProperty("imported").GetInt32(), second.GetProperty("held").GetInt32()));
        var shown = await SmctlProcess.RunAsync(smctl, "sessions", "show", session, "--json");
        Assert.Equal(Path.GetFileName(output), Assert.Single(JsonDocument.Parse(shown.Stdout).RootElement.GetProperty("toolOutputs").EnumerateArray()).GetProperty("name").GetString());
        Assert.True(restored.ExitCode == 0, restored.Stderr);
        var copy = Path.Combine(elsewhere, "projects", ClaudeProjects.FolderName(project), session, "tool-results", Path.GetFileName(output));
        // The file's bytes, its secret masked as in the transcript's lines; the lines name it there, the first folder being gone.
        Assert.Equal(original.Replace("password=hunter2", "password=[redacted:password]", StringComparison.Ordinal), await File.ReadAllTextAsync(copy, Cancel));
        var restoredLines = await File.ReadAllTextAsync(Path.Combine(elsewhere, "projects", ClaudeProjects.FolderName(project), session + ".jsonl"), Cancel);
        Assert.Contains($"\"persistedOutputPath\":{JsonSerializer.Serialize(copy)}", restoredLines, StringComparison.Ordinal);
        // Another file where the output would go is never overwritten.
        await File.WriteAllTextAsync(copy, "written since\n", Cancel);
        var refused = await SmctlProcess.RunAsync(smctl, "restore", session, "--config-dir", elsewhere);
        Assert.Equal(7, refused.ExitCode);
        Assert.Contains("differs from the tool output kept", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal("written since\n", await File.ReadAllTextAsync(copy, Cancel));

        // Handed to a teammate's checkout: the lines name the file where it now lies, and Claude Code, resumed there, reads it.
        var moved = Path.Combine(machines.Path, "teammate-checkout", "app");
        Directory.CreateDirectory(moved);
        var teammates = Path.Combine(machines.Path, "teammate");
        var given = await SmctlProcess.RunAsync(smctl, "restore", session, "--to-project", moved, "--config-dir", teammates);
        Assert.True(given.ExitCode == 0, given.Stderr);
        var theirs = Path.Combine(teammates, "projects", ClaudeProjects.FolderName(moved), session, "tool-results", Path.GetFileName(output));
        Assert.True(File.Exists(theirs), given.Stdout);
        var handed = await File.ReadAllTextAsync(Path.Combine(teammates, "projects", ClaudeProjects.FolderName(moved), session + ".jsonl"), Cancel);
        Assert.Contains($"\"persistedOutputPath\":{JsonSerializer.Serialize(theirs)}", handed, StringComparison.Ordinal);
        Assert.DoesNotContain(Path.GetDirectoryName(output)!, handed, StringComparison.Ordinal); // no path into the first machine's copy left
        model.Then(ScriptedModelServer.Reply.Call("Read", new { file_path = theirs, offset = 59990, limit = 20 }), ScriptedModelServer.Reply.Say("It ends at 60000."));
        var resumed = await ClaudeRun.RunAsync(moved, Claude(model, teammates), "-p", "--resume", session, "how does the output end?", "--allowedTools", "Read");
        Assert.True(resumed.ExitCode == 0, $"claude --resume exited {resumed.ExitCode}: {resumed.Output}");
        var sent = model.AgentRequests.Last()["messages"]!.ToJsonString();
        Assert.Contains("59995", sent, StringComparison.Ordinal);
        Assert.Contains("password=[redacted:password]", sent, StringComparison.Ordinal);

        // A branch of it takes the output along, in its own folder, where its lines name it: resumed, Claude Code reads it there.
        var branched = await SmctlProcess.RunAsync(smctl, "branch", session, "--at", lastReply, "--config-dir", config, "--json");
        Assert.True(branched.ExitCode == 0, branched.Stderr);
        var branch = JsonDocument.Parse(branched.Stdout).RootElement.GetProperty("sessionId").GetString()!;
        var branchOutput = Path.Combine(config, "projects", ClaudeProjects.FolderName(project), branch, "tool-results", Path.GetFileName(output));
        Assert.Equal(original.Replace("password=hunter2", "password=[redacted:password]", StringComparison.Ordinal), await File.ReadAllTextAsync(branchOutput, Cancel));
        Assert.Contains($"\"persistedOutputPath\":{JsonSerializer.Serialize(branchOutput)}",
            await File.ReadAllTextAsync(Path.Combine(config, "projects", ClaudeProjects.FolderName(project), branch + ".jsonl"), Cancel), StringComparison.Ordinal);
        model.Then(ScriptedModelServer.Reply.Call("Read", new { file_path = branchOutput, offset = 59990, limit = 20 }), ScriptedModelServer.Reply.Say("Still 60000."));
        var resumedBranch = await ClaudeRun.RunAsync(project, Claude(model, config), "-p", "--resume", branch, "and in the branch?", "--allowedTools", "Read");
        Assert.True(resumedBranch.ExitCode == 0, $"claude --resume exited {resumedBranch.ExitCode}: {resumedBranch.Output}");
        Assert.Contains("59995", model.AgentRequests.Last()["messages"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_a_session_claude_code_forked_names_its_parents_tool_output_Should_restore_that_file_where_the_fork_reads_it()
    {
        await using var model = new ScriptedModelServer();
        var host = shared.Host;
        using var machines = new TempDirectory();
        var (parentTranscript, parent, project, output) = await RecordLargeOutputAsync(model, machines.Path, "seq 1 60000");
        var config = Path.Combine(machines.Path, "first");
        var original = await File.ReadAllTextAsync(output, Cancel);
        model.Then(ScriptedModelServer.Reply.Say("Forked."));
        var forked = await ClaudeRun.RunAsync(project, Claude(model, config), "-p", "--resume", parent, "--fork-session", "and now?");
        Assert.True(forked.ExitCode == 0, forked.Output);
        var forkTranscript = Assert.Single(Directory.GetFiles(Path.Combine(config, "projects"), "*.jsonl", SearchOption.AllDirectories), f => f != parentTranscript);
        var fork = Path.GetFileNameWithoutExtension(forkTranscript);
        // Claude Code's fork names its parent's file, and copies none of its own.
        Assert.Contains($"\"persistedOutputPath\":{JsonSerializer.Serialize(output)}", await File.ReadAllTextAsync(forkTranscript, Cancel), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Path.GetDirectoryName(forkTranscript)!, fork)));
        var smctl = new Dictionary<string, string> { ["SM_GATEWAY_URL"] = host.BaseAddress.ToString() };
        Assert.Equal(0, (await SmctlProcess.RunAsync(smctl, "import", Path.Combine(config, "projects"))).ExitCode);
        Directory.Delete(Path.Combine(config, "projects"), recursive: true); // Claude Code's cleanup: only the store has them now
        var elsewhere = Path.Combine(machines.Path, "second");

        var restored = await SmctlProcess.RunAsync(smctl, "restore", fork, "--config-dir", elsewhere);

        Assert.True(restored.ExitCode == 0, restored.Stderr);
        var folder = Path.Combine(elsewhere, "projects", ClaudeProjects.FolderName(project));
        var parentsOutput = Path.Combine(folder, parent, "tool-results", Path.GetFileName(output));
        Assert.Equal(original, await File.ReadAllTextAsync(parentsOutput, Cancel));
        Assert.Contains($"\"persistedOutputPath\":{JsonSerializer.Serialize(parentsOutput)}", await File.ReadAllTextAsync(Path.Combine(folder, fork + ".jsonl"), Cancel),
            StringComparison.Ordinal);
        model.Then(ScriptedModelServer.Reply.Call("Read", new { file_path = parentsOutput, offset = 59990, limit = 20 }), ScriptedModelServer.Reply.Say("It ends at 60000."));
        var resumed = await ClaudeRun.RunAsync(project, Claude(model, elsewhere), "-p", "--resume", fork, "how does it end?", "--allowedTools", "Read");
        Assert.True(resumed.ExitCode == 0, $"claude --resume exited {resumed.ExitCode}: {resumed.Output}");
        Assert.Contains("59995", model.AgentRequests.Last()["messages"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_claude_code_checkpointed_a_file_it_changed_Should_restore_the_checkpoint_so_a_handed_off_session_and_a_branch_rewind_the_file()
    {
        await using var model = new ScriptedModelServer();
        var host = shared.Host;
        using var machines = new TempDirectory();
        var project = Path.Combine(machines.Path, "first-work", "app");
        Directory.CreateDirectory(project);
        var config = Path.Combine(machines.Path, "first");
        const string before = "alpha line\nsecond line\n";
        await File.WriteAllTextAsync(Path.Combine(project, "notes.txt"), before, Cancel);
        model.Then(ScriptedModelServer.Reply.Call("Read", new { file_path = Path.Combine(project, "notes.txt") }),
            ScriptedModelServer.Reply.Call("Edit", new { file_path = Path.Combine(project, "notes.txt"), old_string = "alpha", new_string = "beta" }),
            ScriptedModelServer.Reply.Say("Changed."));
        var run = await ClaudeRun.RunAsync(project, Checkpointing(Claude(model, config)), "-p", "change alpha to beta", "--allowedTools", "Read,Edit");
        Assert.True(run.ExitCode == 0, $"claude exited {run.ExitCode}: {run.Output}");
        var transcript = Assert.Single(Directory.GetFiles(Path.Combine(config, "projects"), "*.jsonl", SearchOption.AllDirectories));
        var session = Path.GetFileNameWithoutExtension(transcript);
        Assert.True(Directory.Exists(Path.Combine(config, "file-history", session)), "Claude Code made no checkpoint");
        // The prompt the files rewind to: the message of Claude Code's first file-history snapshot, read from its own lines here.
        var prompt = File.ReadLines(transcript).Select(l => JsonDocument.Parse(l).RootElement)
            .First(r => r.GetProperty("type").GetString() == "file-history-snapshot").GetProperty("messageId").GetString()!;
        var lastReply = File.ReadLines(transcript).Select(l => JsonDocument.Parse(l).RootElement)
            .Last(r => r.GetProperty("type").GetString() == "assistant").GetProperty("uuid").GetString()!;
        var smctl = new Dictionary<string, string> { ["SM_GATEWAY_URL"] = host.BaseAddress.ToString() };

        var imported = await SmctlProcess.RunAsync(smctl, "import", Path.Combine(config, "projects"), "--json");
        var again = await SmctlProcess.RunAsync(smctl, "import", Path.Combine(config, "projects"), "--json");
        Directory.Delete(config, recursive: true); // Claude Code's cleanup takes the checkpoints with the transcript: only the store has them now
        // Handed to a teammate, whose checkout holds the file as the session left it.
        var moved = Path.Combine(machines.Path, "teammate-checkout", "app");
        Directory.CreateDirectory(moved);
        await File.WriteAllTextAsync(Path.Combine(moved, "notes.txt"), "beta line\nsecond line\n", Cancel);
        var teammates = Path.Combine(machines.Path, "teammate");
        var given = await SmctlProcess.RunAsync(smctl, "restore", session, "--to-project", moved, "--config-dir", teammates, "--json");
        var rewound = await ClaudeRun.RunAsync(moved, Checkpointing(Claude(model, teammates)), "--resume", session, "--rewind-files", prompt);

        Assert.True(imported.ExitCode == 0, imported.Stderr);
        Assert.Equal(1, JsonDocument.Parse(imported.Stdout).RootElement.GetProperty("fileCheckpoints").GetProperty("imported").GetInt32());
        var second = JsonDocument.Parse(again.Stdout).RootElement.GetProperty("fileCheckpoints");
        Assert.Equal((0, 1), (second.GetProperty("imported").GetInt32(), second.GetProperty("held").GetInt32()));
        var shown = await SmctlProcess.RunAsync(smctl, "sessions", "show", session, "--json");
        Assert.Equal(before.Length, Assert.Single(JsonDocument.Parse(shown.Stdout).RootElement.GetProperty("fileCheckpoints").EnumerateArray()).GetProperty("length").GetInt64());
        Assert.True(given.ExitCode == 0, given.Stderr);
        var checkpoint = Assert.Single(JsonDocument.Parse(given.Stdout).RootElement.GetProperty("fileCheckpoints").EnumerateArray()).GetString()!;
        Assert.Equal(Path.Combine(teammates, "file-history", session), Path.GetDirectoryName(checkpoint));
        Assert.Equal(before, await File.ReadAllTextAsync(checkpoint, Cancel));
        // The witness: Claude Code itself, resumed on the teammate's machine, puts the file back as it was before the edit.
        Assert.True(rewound.ExitCode == 0, $"claude --rewind-files exited {rewound.ExitCode}: {rewound.Output}");
        Assert.Equal(before, await File.ReadAllTextAsync(Path.Combine(moved, "notes.txt"), Cancel));
        // A branch of it takes the checkpoint along, into its own folder: resumed in the first project, it rewinds the file there.
        var branched = await SmctlProcess.RunAsync(smctl, "branch", session, "--at", lastReply, "--config-dir", teammates, "--json");
        Assert.True(branched.ExitCode == 0, branched.Stderr);
        var branch = JsonDocument.Parse(branched.Stdout).RootElement.GetProperty("sessionId").GetString()!;
        Assert.Equal(before, await File.ReadAllTextAsync(Path.Combine(teammates, "file-history", branch, Path.GetFileName(checkpoint)), Cancel));
        Assert.StartsWith("beta line", await File.ReadAllTextAsync(Path.Combine(project, "notes.txt"), Cancel), StringComparison.Ordinal);
        var branchRewound = await ClaudeRun.RunAsync(project, Checkpointing(Claude(model, teammates)), "--resume", branch, "--rewind-files", prompt);
        Assert.True(branchRewound.ExitCode == 0, $"claude --rewind-files exited {branchRewound.ExitCode}: {branchRewound.Output}");
        Assert.Equal(before, await File.ReadAllTextAsync(Path.Combine(project, "notes.txt"), Cancel));

        // Another file where the checkpoint would go is never overwritten, and nothing of the session is written beside it.
        var other = Path.Combine(machines.Path, "third");
        var there = Path.Combine(other, "file-history", session, Path.GetFileName(checkpoint));
        Directory.CreateDirectory(Path.GetDirectoryName(there)!);
        await File.WriteAllTextAsync(there, "written since\n", Cancel);
        var refused = await SmctlProcess.RunAsync(smctl, "restore", session, "--to-project", moved, "--config-dir", other);
        Assert.Equal(7, refused.ExitCode);
        Assert.Contains("differs from the file checkpoint kept", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal("written since\n", await File.ReadAllTextAsync(there, Cancel));
        Assert.Empty(Directory.GetFiles(Path.Combine(other, "projects"), "*.jsonl", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task When_a_session_keeps_a_task_list_Should_import_it_and_the_restored_session_list_its_tasks_on_another_machine()
    {
        await using var model = new ScriptedModelServer();
        var host = shared.Host;
        using var machines = new TempDirectory();
        var project = Path.Combine(machines.Path, "first-work", "app");
        Directory.CreateDirectory(project);
        var config = Path.Combine(machines.Path, "first");
        // The task tools are loaded by a tool search first, as the model does.
        model.Then(ScriptedModelServer.Reply.Call("ToolSearch", new { query = "select:TaskCreate,TaskUpdate,TaskList" }),
            ScriptedModelServer.Reply.Call("TaskCreate", new { subject = "Fix the flaky test", description = "tests/test_io.py fails one run in ten" }),
            ScriptedModelServer.Reply.Call("TaskCreate", new { subject = "Write the release notes", description = "for 2.4" }),
            ScriptedModelServer.Reply.Call("TaskUpdate", new { taskId = "1", status = "completed" }),
            ScriptedModelServer.Reply.Say("Planned."));
        var run = await ClaudeRun.RunAsync(project, Claude(model, config), "-p", "plan the work", "--allowedTools", "ToolSearch,TaskCreate,TaskUpdate,TaskList");
        Assert.True(run.ExitCode == 0, $"claude exited {run.ExitCode}: {run.Output}");
        var session = Path.GetFileNameWithoutExtension(Assert.Single(Directory.GetFiles(Path.Combine(config, "projects"), "*.jsonl", SearchOption.AllDirectories)));
        var tasks = Path.Combine(config, "tasks", session);
        var written = Directory.GetFiles(tasks).Where(f => !f.EndsWith(".lock", StringComparison.Ordinal))
            .ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes, StringComparer.Ordinal); // Claude Code's own files, as it wrote them
        Assert.Contains("1.json", written.Keys);
        Assert.Contains("2.json", written.Keys);
        var smctl = new Dictionary<string, string> { ["SM_GATEWAY_URL"] = host.BaseAddress.ToString() };

        var imported = await SmctlProcess.RunAsync(smctl, "import", Path.Combine(config, "projects"), "--json");
        var again = await SmctlProcess.RunAsync(smctl, "import", Path.Combine(config, "projects"), "--json");
        Directory.Delete(config, recursive: true); // Claude Code's cleanup: only the store has the session now
        var elsewhere = Path.Combine(machines.Path, "second");
        var restored = await SmctlProcess.RunAsync(smctl, "restore", session, "--config-dir", elsewhere, "--json");
        model.Then(ScriptedModelServer.Reply.Call("TaskList", new { }), ScriptedModelServer.Reply.Say("One left."));
        var resumed = await ClaudeRun.RunAsync(project, Claude(model, elsewhere), "-p", "--resume", session, "what is left?", "--allowedTools", "TaskList");

        Assert.True(imported.ExitCode == 0, imported.Stderr);
        Assert.Equal(1, JsonDocument.Parse(imported.Stdout).RootElement.GetProperty("taskLists").GetProperty("imported").GetInt32());
        var second = JsonDocument.Parse(again.Stdout).RootElement.GetProperty("taskLists");
        Assert.Equal((0, 1), (second.GetProperty("imported").GetInt32(), second.GetProperty("held").GetInt32()));
        Assert.True(restored.ExitCode == 0, restored.Stderr);
        foreach (var (name, bytes) in written)
            Assert.Equal(bytes, await File.ReadAllBytesAsync(Path.Combine(elsewhere, "tasks", session, name), Cancel));
        // The witness: Claude Code, resumed on the other machine, lists the tasks to the model as they were left.
        Assert.True(resumed.ExitCode == 0, $"claude --resume exited {resumed.ExitCode}: {resumed.Output}");
        var listed = model.AgentRequests.Last()["messages"]!.AsArray().Last()!.ToJsonString();
        Assert.Contains("#1 [completed] Fix the flaky test", listed, StringComparison.Ordinal);
        Assert.Contains("#2 [pending] Write the release notes", listed, StringComparison.Ordinal);
        // Restored again there (its transcript gone on past what is kept, as resumed): the list, the one kept, is left as it is; a
        // task changed since is never overwritten.
        var again2 = await SmctlProcess.RunAsync(smctl, "restore", session, "--config-dir", elsewhere);
        Assert.True(again2.ExitCode == 0, again2.Stderr);
        Assert.Contains("gone on past what is kept", again2.Stdout, StringComparison.Ordinal);
        Assert.Contains("already there its task list (2 tasks)", again2.Stdout, StringComparison.Ordinal);
        var changed = Path.Combine(elsewhere, "tasks", session, "2.json");
        await File.WriteAllTextAsync(changed, "changed since\n", Cancel);
        var refused = await SmctlProcess.RunAsync(smctl, "restore", session, "--config-dir", elsewhere);
        Assert.Equal(7, refused.ExitCode);
        Assert.Contains("differs from the task list kept", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal("changed since\n", await File.ReadAllTextAsync(changed, Cancel));
    }

    /// <summary>Claude Code's checkpoints of the files it changes, on by default in the terminal, asked for with <c>-p</c>.</summary>
    private static Dictionary<string, string> Checkpointing(Dictionary<string, string> environment)
    {
        environment["CLAUDE_CODE_ENABLE_SDK_FILE_CHECKPOINTING"] = "1";
        return environment;
    }

    /// <summary>
    /// A command whose output is over 30,000 characters, run by Claude Code in <c>&lt;machines&gt;/first</c>: it keeps the output in
    /// <c>&lt;session&gt;/tool-results/</c>, its line only the first 2 KB. The transcript, session id, project and that file.
    /// </summary>
    private static async Task<(string Transcript, string Session, string Project, string Output)> RecordLargeOutputAsync(ScriptedModelServer model,
        string machines, string command)
    {
        var project = Path.Combine(machines, "first-work", "app");
        Directory.CreateDirectory(project);
        var config = Path.Combine(machines, "first");
        model.Then(ScriptedModelServer.Reply.Call("Bash", new { command, description = "Count" }), ScriptedModelServer.Reply.Say("Counted."));
        var run = await ClaudeRun.RunAsync(project, Claude(model, config), "-p", "count to sixty thousand", "--allowedTools", "Bash");
        Assert.True(run.ExitCode == 0, $"claude exited {run.ExitCode}: {run.Output}");
        var transcript = Assert.Single(Directory.GetFiles(Path.Combine(config, "projects"), "*.jsonl", SearchOption.AllDirectories));
        var session = Path.GetFileNameWithoutExtension(transcript);
        return (transcript, session, project, Assert.Single(Directory.GetFiles(Path.Combine(Path.GetDirectoryName(transcript)!, session, "tool-results"))));
    }

    /// <summary>One prompt and its answer, recorded by Claude Code in <c>&lt;machines&gt;/&lt;machine&gt;</c>: its transcript, session id and project.</summary>
    private static async Task<(string Transcript, string Session, string Project)> RecordAsync(ScriptedModelServer model, string machines, string machine,
        string prompt, string answer)
    {
        var project = Path.Combine(machines, machine + "-work", "app");
        Directory.CreateDirectory(project);
        var config = Path.Combine(machines, machine);
        model.Then(ScriptedModelServer.Reply.Say(answer));
        var run = await ClaudeRun.RunAsync(project, Claude(model, config), "-p", prompt);
        Assert.True(run.ExitCode == 0, $"claude exited {run.ExitCode}: {run.Output}");
        var transcript = Assert.Single(Directory.GetFiles(Path.Combine(config, "projects"), "*.jsonl", SearchOption.AllDirectories));
        return (transcript, Path.GetFileNameWithoutExtension(transcript), project);
    }
}
