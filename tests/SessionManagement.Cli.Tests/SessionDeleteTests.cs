using System.Net;
using System.Text;
using System.Text.Json;
using SessionManagement.Testing;

namespace SessionManagement.Cli.Tests;

/// <summary>
/// smctl sessions delete: a session deleted for good leaves no byte of its words anywhere in the data folder — the database, its WAL,
/// the accepted-events log, every backup — while another session's stay (the files are read here, byte by byte).
/// </summary>
public sealed class SessionDeleteTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task When_a_session_is_deleted_Should_leave_none_of_its_words_in_any_file_and_keep_the_others()
    {
        await using var host = HostProcess.Start();
        await host.WaitForAsync("/readyz", HttpStatusCode.OK, Within);
        var smctl = new Dictionary<string, string>(host.SmHookEnvironment());
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (gone, kept) = ($"delete-gone-{suffix}", $"delete-kept-{suffix}");
        var words = new Dictionary<string, string> { [gone] = "wombatsecret" + suffix, [kept] = "platypuskept" + suffix };
        foreach (var (session, word) in words)
        {
            await host.PostHookAsync($$"""{"session_id":"{{session}}","hook_event_name":"UserPromptSubmit","cwd":"/work/delete","prompt":"the hook says {{word}}"}""", Cancel);
            var content = string.Concat(TranscriptLines.User(session, "u1", null, 0, $"the transcript says {word}", "/work/delete"), "\n",
                TranscriptLines.AssistantText(session, "a1", "u1", 1, $"Noted: {word}.", "/work/delete"), "\n");
            using var import = await host.Http.PostAsync($"/api/sessions/import?name={session}.jsonl&session={session}", new StringContent(content), Cancel);
            Assert.True(import.IsSuccessStatusCode, await import.Content.ReadAsStringAsync(Cancel));
            using var item = await host.Http.PostAsync("/api/context", new StringContent(
                $$"""{"scope":"session","sessionId":"{{session}}","type":"conversation","content":"the item says {{word}}"}""", Encoding.UTF8, "application/json"), Cancel);
            Assert.True(item.IsSuccessStatusCode, await item.Content.ReadAsStringAsync(Cancel));
        }
        await Eventually.ReturnsAsync(() => host.Http.GetStringAsync($"/api/search?q={words[gone]}", Cancel),
            text => JsonDocument.Parse(text).RootElement.GetProperty("hits").GetArrayLength() > 0, Within, "the word found by search");
        using (var run = await host.Http.PostAsync("/api/backups/run", null, Cancel))
            run.EnsureSuccessStatusCode();
        // Its backups: the saver's and chat's compressed (found by name), context's item in clear (found by its word).
        var backups = Path.Combine(host.DataDirectory, "backups");
        string[] OfTheSession() => Directory.Exists(backups)
            ? [.. Directory.EnumerateFiles(backups, "*", SearchOption.AllDirectories).Where(f => f.Contains(gone, StringComparison.Ordinal))]
            : [];
        var backedUp = await Eventually.ReturnsAsync(() => Task.FromResult(OfTheSession()),
            found => found.Any(f => f.EndsWith(".backup", StringComparison.Ordinal)) && found.Any(f => f.EndsWith(".lines", StringComparison.Ordinal))
                && DataFiles.Holding(backups, words[gone]).Any(f => f.EndsWith(".items", StringComparison.Ordinal)), Within, "the session's backups");

        await Eventually.ReturnsAsync(() => host.Http.GetAsync($"/api/status/sessions/{gone}", Cancel), r => r.StatusCode == HttpStatusCode.OK, Within,
            "the session's live status");
        var refused = await SmctlProcess.RunAsync(smctl, "sessions", "delete", gone);
        var stillThere = await host.Http.GetAsync($"/api/sessions/{gone}", Cancel);
        var deleted = await SmctlProcess.RunAsync(smctl, "sessions", "delete", gone, "--yes", "--json");
        var leftovers = DataFiles.Holding(host.DataDirectory, words[gone]); // read as soon as the delete is answered
        var again = await SmctlProcess.RunAsync(smctl, "sessions", "delete", gone, "--yes");

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--yes", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, stillThere.StatusCode);
        Assert.True(deleted.ExitCode == 0, deleted.Stderr);
        var answer = JsonDocument.Parse(deleted.Stdout).RootElement;
        Assert.Equal(gone, answer.GetProperty("sessionId").GetString());
        Assert.Equal(["chat", "context", "gateway"], answer.GetProperty("erased").EnumerateArray().Select(m => m.GetString()).Order());
        Assert.Empty(answer.GetProperty("waiting").EnumerateArray());
        Assert.True(answer.GetProperty("backups").GetInt32() >= 1);
        Assert.Empty(leftovers);
        Assert.Equal(3, backedUp.Length);
        Assert.Empty(OfTheSession());
        Assert.Equal(4, again.ExitCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.GetAsync($"/api/sessions/{gone}", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.GetAsync($"/api/sessions/{gone}/export", Cancel)).StatusCode);
        await Eventually.ReturnsAsync(() => host.Http.GetAsync($"/api/status/sessions/{gone}", Cancel), r => r.StatusCode == HttpStatusCode.NotFound, Within,
            "no live status of the deleted session");
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync($"/api/status/sessions/{kept}", Cancel)).StatusCode);
        Assert.Equal(0, JsonDocument.Parse(await host.Http.GetStringAsync($"/api/search?q={words[gone]}", Cancel)).RootElement.GetProperty("hits").GetArrayLength());
        // The other session is as it was: its word still in the database file (the grep finds what is there) and found by search.
        Assert.Contains(DataFiles.Holding(host.DataDirectory, words[kept]), f => Path.GetFileName(f) == "session-management.db");
        Assert.NotEqual(0, JsonDocument.Parse(await host.Http.GetStringAsync($"/api/search?q={words[kept]}", Cancel)).RootElement.GetProperty("hits").GetArrayLength());
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync($"/api/sessions/{kept}/export", Cancel)).StatusCode);
        // Who deleted it is in the audit trail (kept a batch's moment after the answer).
        await Eventually.ReturnsAsync(async () => JsonDocument.Parse(await host.Http.GetStringAsync($"/api/audit?action=delete&session={gone}", Cancel)).RootElement,
            audit => audit.GetProperty("entries").EnumerateArray().Any(e => e.GetProperty("sessionId").GetString() == gone), Within, "the delete in the audit trail");
    }

    [Fact]
    public async Task When_a_deleted_session_is_met_again_Should_pass_its_old_lines_over_until_an_admin_undeletes_it()
    {
        var host = HostProcess.Start();
        try
        {
            await host.WaitForAsync("/readyz", HttpStatusCode.OK, Within);
            var suffix = Guid.NewGuid().ToString("N")[..8];
            var (gone, kept, late) = ($"gone-{suffix}", $"kept-{suffix}", $"late-{suffix}");
            var (word, keptWord, fresh) = ("echidnasecret" + suffix, "numbatkept" + suffix, "quokkafresh" + suffix);
            // Handed over from elsewhere: imported from a folder of its own, so no cursor of the gateway's says how far it was read.
            var handoff = Path.Combine(host.Home, "handoff", "-work-undelete");
            Directory.CreateDirectory(handoff);
            string Transcript(string session, string said) => string.Concat(TranscriptLines.User(session, "u1", null, 0, $"please keep {said}", "/work/undelete"), "\n",
                TranscriptLines.AssistantText(session, "a1", "u1", 1, $"Kept: {said}.", "/work/undelete"), "\n");
            await File.WriteAllTextAsync(Path.Combine(handoff, gone + ".jsonl"), Transcript(gone, word), Cancel);
            await File.WriteAllTextAsync(Path.Combine(handoff, kept + ".jsonl"), Transcript(kept, keptWord), Cancel);
            var output = Path.Combine(handoff, gone, "tool-results", "b3m7q.txt"); // a tool's output too large for its transcript line
            Directory.CreateDirectory(Path.GetDirectoryName(output)!);
            await File.WriteAllTextAsync(output, string.Join("\n", Enumerable.Range(1, 5_000)) + $"\n{word}\n", Cancel);
            var database = Path.Combine(host.DataDirectory, "session-management.db");
            long OutputsKept() => SqliteFile.Count(database, "SELECT count(*) FROM chat_tool_results WHERE session_id = $id", ("$id", gone));
            // A hook of it the gateway refused (its JSON cut short) is kept in its journal, and names the session.
            using (var refusedHook = await host.Http.PostAsync("/hooks", new StringContent(
                $$"""{"session_id":"{{gone}}","hook_event_name":"UserPromptSubmit","prompt":"the refused hook says {{word}}" """, Encoding.UTF8, "application/json"), Cancel))
                Assert.Equal(HttpStatusCode.BadRequest, refusedHook.StatusCode);
            var smctl = new Dictionary<string, string>(host.SmHookEnvironment());
            var first = await SmctlProcess.RunAsync(smctl, "import", Path.Combine(host.Home, "handoff"), "--json");
            Assert.True(first.ExitCode == 0, first.Stdout + first.Stderr);
            Assert.Contains(DataFiles.Holding(host.DataDirectory, word), f => Path.GetFileName(f).StartsWith("session-management.db", StringComparison.Ordinal));
            Assert.Equal(1, OutputsKept());

            var deleted = await SmctlProcess.RunAsync(smctl, "sessions", "delete", gone, "--yes");
            Assert.True(deleted.ExitCode == 0, deleted.Stderr);
            var leftovers = await Eventually.ReturnsAsync(() => Task.FromResult(DataFiles.Holding(host.DataDirectory, word)), found => found.Count == 0, Within,
                "no file holding the deleted session's word, its refused hook's included");
            var refusedAfter = JsonDocument.Parse(await host.Http.GetStringAsync("/api/errors", Cancel)).RootElement.GetProperty("rejected").EnumerateArray()
                .Single(r => r.GetProperty("sessionId").GetString() == gone);
            var outputsAfterDelete = OutputsKept();
            using var putAfterDelete = await host.Http.PutAsync($"/api/sessions/{gone}/tool-results/b3m7q.txt", new StringContent("again"), Cancel);

            // Claude Code's folder now holds it, with a session never imported: the gateway reconciles the folder as it starts again.
            var projects = Path.Combine(host.Home, ".claude", "projects");
            Directory.CreateDirectory(projects);
            Directory.Move(handoff, Path.Combine(projects, "-work-undelete"));
            var transcript = Path.Combine(projects, "-work-undelete", gone + ".jsonl");
            await File.WriteAllTextAsync(Path.Combine(projects, "-work-undelete", late + ".jsonl"), Transcript(late, "bilbylate" + suffix), Cancel);
            await host.KillAsync();
            host = host.StartAgain();
            await host.WaitForAsync("/readyz", HttpStatusCode.OK, Within);
            // Files are reconciled in their names' order: once the late session is in, the deleted one was passed over.
            await Eventually.ReturnsAsync(() => host.Http.GetAsync($"/api/sessions/{late}", Cancel), r => r.IsSuccessStatusCode, Within, "the late session reconciled");
            var afterRestart = DataFiles.Holding(host.DataDirectory, word);
            var again = await SmctlProcess.RunAsync(smctl, "import", projects, "--json");
            var afterImport = DataFiles.Holding(host.DataDirectory, word);
            var outputsAfterImport = OutputsKept(); // neither the reconciliation nor the import took its tool output again

            // Resumed in Claude Code: its hooks come again, and what it adds is taken in, never what it held.
            await host.PostHookAsync($$"""{"session_id":"{{gone}}","hook_event_name":"SessionStart","source":"resume","cwd":"/work/undelete","transcript_path":"{{transcript}}"}""", Cancel);
            var now = (int)(DateTimeOffset.UtcNow - TranscriptLines.Start).TotalSeconds + 1; // written after the deletion, as Claude Code stamps it
            await File.AppendAllTextAsync(transcript, TranscriptLines.User(gone, "u2", "a1", now, $"now {fresh}", "/work/undelete") + "\n", Cancel);
            await host.PostHookAsync($$"""{"session_id":"{{gone}}","hook_event_name":"UserPromptSubmit","prompt":"now {{fresh}}","cwd":"/work/undelete","transcript_path":"{{transcript}}"}""", Cancel);
            var resumed = await Eventually.ReturnsAsync(() => host.Http.GetStringAsync($"/api/sessions/{gone}/export?format=jsonl", Cancel),
                text => text.Contains(fresh, StringComparison.Ordinal), Within, "the resumed session's new line");
            var afterResume = DataFiles.Holding(host.DataDirectory, word);

            var undeleted = await SmctlProcess.RunAsync(smctl, "import", projects, "--undelete", "--json");

            Assert.Empty(leftovers);
            Assert.Equal((0L, 0L), (outputsAfterDelete, outputsAfterImport));
            Assert.Equal(HttpStatusCode.Conflict, putAfterDelete.StatusCode);
            Assert.Contains("deleted for good", await putAfterDelete.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
            Assert.Equal("nothing", refusedAfter.GetProperty("kept").GetString());
            Assert.Empty(afterRestart);
            Assert.True(again.ExitCode == 0, again.Stdout + again.Stderr);
            var summary = JsonDocument.Parse(again.Stdout).RootElement;
            Assert.Equal((0, 1, 2), (summary.GetProperty("imported").GetInt32(), summary.GetProperty("deleted").GetInt32(), summary.GetProperty("skipped").GetInt32()));
            Assert.Contains(gone, summary.GetProperty("passedOver")[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
            Assert.Empty(afterImport);
            Assert.DoesNotContain(word, resumed, StringComparison.Ordinal);
            Assert.Single(resumed.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Empty(afterResume);
            Assert.True(undeleted.ExitCode == 0, undeleted.Stdout + undeleted.Stderr);
            Assert.Equal(1, JsonDocument.Parse(undeleted.Stdout).RootElement.GetProperty("imported").GetInt32());
            Assert.Contains(DataFiles.Holding(host.DataDirectory, word), f => Path.GetFileName(f).StartsWith("session-management.db", StringComparison.Ordinal));
            Assert.Equal(await File.ReadAllTextAsync(transcript, Cancel), await host.Http.GetStringAsync($"/api/sessions/{gone}/export?format=jsonl", Cancel));
            Assert.Equal(await File.ReadAllTextAsync(Path.Combine(projects, "-work-undelete", gone, "tool-results", "b3m7q.txt"), Cancel),
                await host.Http.GetStringAsync($"/api/sessions/{gone}/tool-results/b3m7q.txt", Cancel)); // undeleted, its output with it
            await Eventually.ReturnsAsync(async () => JsonDocument.Parse(await host.Http.GetStringAsync($"/api/audit?action=import&session={gone}", Cancel)).RootElement,
                audit => audit.GetProperty("entries").EnumerateArray().Any(e => e.GetProperty("detail").GetString()!.Contains("undeleted", StringComparison.Ordinal)),
                Within, "the undeleting import in the audit trail");
            Assert.Contains(DataFiles.Holding(host.DataDirectory, keptWord), f => Path.GetFileName(f).StartsWith("session-management.db", StringComparison.Ordinal));
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task When_a_session_is_deleted_twice_at_once_Should_answer_each_delete_as_soon_as_every_module_has_erased_it()
    {
        await using var host = HostProcess.Start();
        await host.WaitForAsync("/readyz", HttpStatusCode.OK, Within);
        var session = $"delete-twice-{Guid.NewGuid():N}"[..24];
        await host.PostHookAsync($$"""{"session_id":"{{session}}","hook_event_name":"UserPromptSubmit","cwd":"/work/delete","prompt":"twice"}""", Cancel);
        await Eventually.ReturnsAsync(() => host.Http.GetAsync($"/api/sessions/{session}", Cancel), r => r.StatusCode == HttpStatusCode.OK, Within,
            "the session held");

        var answers = await Task.WhenAll(Enumerable.Range(0, 2).Select(async _ =>
        {
            using var response = await host.Http.DeleteAsync($"/api/sessions/{session}", Cancel);
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync(Cancel));
        }));

        // One of them deletes it; the other finds it deleted already, or deletes it too if both reached the saver before either was done.
        Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.OK);
        Assert.All(answers, a => Assert.True(a.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound, $"{a.StatusCode}: {a.Body}"));
        foreach (var (_, body) in answers.Where(a => a.StatusCode == HttpStatusCode.OK))
        {
            var answer = JsonDocument.Parse(body).RootElement;
            Assert.Equal(["chat", "context", "gateway"], answer.GetProperty("erased").EnumerateArray().Select(m => m.GetString()).Order());
            Assert.Empty(answer.GetProperty("waiting").EnumerateArray());
        }
    }

    [Fact]
    public async Task When_claude_codes_own_files_of_a_deleted_session_are_on_the_machine_Should_name_them_and_delete_them_when_asked()
    {
        await using var host = HostProcess.Start();
        await host.WaitForAsync("/readyz", HttpStatusCode.OK, Within);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (named, removed, other) = ($"named-{suffix}", $"removed-{suffix}", $"other-{suffix}");
        var config = Path.Combine(host.Home, "claude-config");
        var project = Path.Combine(config, "projects", "-work-files");
        foreach (var session in new[] { named, removed, other })
        {
            Directory.CreateDirectory(Path.Combine(project, session, "subagents"));
            await File.WriteAllTextAsync(Path.Combine(project, session + ".jsonl"), TranscriptLines.User(session, "u1", null, 0, "keep this", "/work/files") + "\n", Cancel);
            await File.WriteAllTextAsync(Path.Combine(project, session, "subagents", "agent-1.jsonl"),
                TranscriptLines.User(session, "s1", null, 1, "a subagent's", "/work/files") + "\n", Cancel);
        }
        var smctl = new Dictionary<string, string>(host.SmHookEnvironment());
        var imported = await SmctlProcess.RunAsync(smctl, "import", Path.Combine(config, "projects"), "--json");
        Assert.True(imported.ExitCode == 0, imported.Stdout + imported.Stderr);

        var kept = await SmctlProcess.RunAsync(smctl, "sessions", "delete", named, "--yes", "--config-dir", config);
        var gone = await SmctlProcess.RunAsync(smctl, "sessions", "delete", removed, "--yes", "--config-dir", config, "--claude-files", "--json");

        Assert.True(kept.ExitCode == 0, kept.Stderr);
        Assert.Contains("--claude-files", kept.Stdout, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(project, named + ".jsonl"), kept.Stdout.ReplaceLineEndings(""), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(project, named + ".jsonl")));
        Assert.True(gone.ExitCode == 0, gone.Stderr);
        Assert.Equal(new[] { Path.Combine(project, removed + ".jsonl"), Path.Combine(project, removed) }.Order(StringComparer.Ordinal),
            JsonDocument.Parse(gone.Stdout).RootElement.GetProperty("claudeFiles").EnumerateArray().Select(f => f.GetString()).Order(StringComparer.Ordinal));
        Assert.False(File.Exists(Path.Combine(project, removed + ".jsonl")));
        Assert.False(Directory.Exists(Path.Combine(project, removed)));
        Assert.True(File.Exists(Path.Combine(project, other + ".jsonl")));
        Assert.True(File.Exists(Path.Combine(project, other, "subagents", "agent-1.jsonl")));
        Assert.True(Directory.Exists(Path.Combine(project, named, "subagents")));
    }
}
