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
        var leftovers = await Eventually.ReturnsAsync(() => Task.FromResult(DataFiles.Holding(host.DataDirectory, words[gone])), found => found.Count == 0, Within,
            "no file holding the deleted session's word");
        var again = await SmctlProcess.RunAsync(smctl, "sessions", "delete", gone, "--yes");

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--yes", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, stillThere.StatusCode);
        Assert.True(deleted.ExitCode == 0, deleted.Stderr);
        var answer = JsonDocument.Parse(deleted.Stdout).RootElement;
        Assert.Equal(gone, answer.GetProperty("sessionId").GetString());
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
        // Who deleted it is in the audit trail.
        var audit = JsonDocument.Parse(await host.Http.GetStringAsync($"/api/audit?action=delete&session={gone}", Cancel)).RootElement;
        Assert.Contains(audit.GetProperty("entries").EnumerateArray(), e => e.GetProperty("sessionId").GetString() == gone);
    }
}
