using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SessionManagement.Testing;

namespace SessionManagement.Faults.Tests;

/// <summary>
/// Cleanup archives a session that ended long ago and, with <c>purge_after_archive</c>, removes it from the store, saying its backup is
/// kept. Restoring that backup must give the session back whole: its state and hooks from the saver's backup, what its transcripts
/// said from chat's, its own context items from context's, after Claude Code has deleted the files.
/// </summary>
public sealed class PurgedSessionRestoreTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task When_a_purged_session_is_restored_from_its_backup_Should_give_back_its_conversation_and_its_context()
    {
        var cancel = TestContext.Current.CancellationToken;
        var session = Guid.NewGuid().ToString();
        var word = "wombat" + Guid.NewGuid().ToString("N")[..10];
        static string Lines(params string[] lines) => string.Concat(lines.Select(line => line + "\n"));
        // A week before today: the session ended longer ago than cleanup_days.
        var main = Lines(
            TranscriptLines.User(session, "u-1", null, 0, $"where does {word} live"),
            TranscriptLines.AssistantToolUse(session, "a-1", "u-1", 1, "toolu_purged_1", $"grep -rn {word} ."),
            TranscriptLines.ToolResult(session, "u-2", "a-1", 2, "toolu_purged_1", $"src/{word}.cs:1: class {word}"),
            TranscriptLines.AssistantText(session, "a-2", "u-2", 3, $"{word} lives in src"));
        var agent = Lines(
            TranscriptLines.User(session, "s-1", null, 1, $"count the {word}s"),
            TranscriptLines.AssistantText(session, "s-2", "s-1", 2, "two"));
        const string agentFile = "subagents/agent-purged1.jsonl";
        await using var host = HostProcess.Start(new Dictionary<string, string>
        {
            ["SM_session_management__session_storage__purge_after_archive"] = "true",
            ["SM_session_management__session_storage__cleanup_days"] = "1",
        });
        await host.WaitForAsync("/readyz", HttpStatusCode.OK, Within);
        foreach (var (text, file) in new[] { (main, (string?)null), (agent, agentFile) })
        {
            using var imported = await host.Http.PostAsync($"/api/sessions/import?session={session}&name=t.jsonl" + (file is null ? "" : "&file=" + Uri.EscapeDataString(file)),
                new StringContent(text), cancel);
            Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        }
        const string project = "/work/shop";
        var note = new { itemId = "ctx-purged-" + word, type = "conversation", scope = "session", sessionId = session, projectDir = project, @private = true,
            priority = 50, content = $"the {word} moved to src last week" };
        using (var saved = await host.Http.PostAsJsonAsync("/api/context", note, cancel))
            Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync(cancel));
        await Eventually.ReturnsAsync(() => StatusOfAsync(host, $"/api/sessions/{session}"), code => code == HttpStatusCode.OK, Within, "the session kept");

        // Cleanup runs as the scheduler starts: the session ended a week ago, so it is archived and purged.
        host.Signal(HostProcess.SigTerm);
        Assert.Equal(0, await host.WaitForExitAsync(Within));
        var again = host.StartAgain();
        await host.DisposeAsync();
        await using var _ = again;
        await again.WaitForAsync("/readyz", HttpStatusCode.OK, Within);
        await Eventually.ReturnsAsync(() => StatusOfAsync(again, $"/api/sessions/{session}/export?format=jsonl"), code => code == HttpStatusCode.NotFound, Within,
            "the session's transcript purged");
        await Eventually.ReturnsAsync(() => ContextAsync(again), items => items.Count == 0, Within, "the session's context items purged");
        var backups = JsonDocument.Parse(await again.Http.GetStringAsync($"/api/sessions/{session}/backups", cancel)).RootElement.GetProperty("backups");
        var backupId = backups[0].GetProperty("backupId").GetString();

        using var restore = await again.Http.PostAsync($"/api/backups/{backupId}/restore", null, cancel);
        var restored = JsonDocument.Parse(await restore.Content.ReadAsStringAsync(cancel)).RootElement;

        Assert.Equal(HttpStatusCode.OK, restore.StatusCode);
        Assert.Equal((2, 6L, 1), (restored.GetProperty("transcriptFiles").GetInt32(), restored.GetProperty("transcriptLines").GetInt64(),
            restored.GetProperty("contextItems").GetInt32()));
        Assert.Equal(main, await again.Http.GetStringAsync($"/api/sessions/{session}/export?format=jsonl", cancel));
        Assert.Equal(agent, await again.Http.GetStringAsync($"/api/sessions/{session}/export?format=jsonl&file={Uri.EscapeDataString(agentFile)}", cancel));
        Assert.Equal([(note.itemId, note.content)], await ContextAsync(again));

        // Nothing is put back twice: the same restore again finds chat and context holding the session.
        using var twice = await again.Http.PostAsync($"/api/backups/{backupId}/restore", null, cancel);
        var second = JsonDocument.Parse(await twice.Content.ReadAsStringAsync(cancel)).RootElement;
        Assert.Equal(HttpStatusCode.OK, twice.StatusCode);
        Assert.Equal((0, 0), (second.GetProperty("transcriptFiles").GetInt32(), second.GetProperty("contextItems").GetInt32()));
        Assert.Equal(main, await again.Http.GetStringAsync($"/api/sessions/{session}/export?format=jsonl", cancel));

        async Task<List<(string?, string?)>> ContextAsync(HostProcess current)
        {
            var found = JsonDocument.Parse(await current.Http.GetStringAsync($"/api/context?session={session}", cancel)).RootElement;
            return found.GetProperty("items").EnumerateArray().Where(i => i.GetProperty("scope").GetString() == "session")
                .Select(i => (i.GetProperty("itemId").GetString(), i.GetProperty("content").GetString())).ToList();
        }
    }

    private static async Task<HttpStatusCode> StatusOfAsync(HostProcess host, string path)
    {
        using var answer = await host.Http.GetAsync(path, TestContext.Current.CancellationToken);
        return answer.StatusCode;
    }
}
