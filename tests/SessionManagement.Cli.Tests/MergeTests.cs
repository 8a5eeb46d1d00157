using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SessionManagement.Testing;

namespace SessionManagement.Cli.Tests;

/// <summary>smctl merge: one session's own context items become another's, and that session's next SessionStart hands them over.</summary>
public sealed class MergeTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task When_a_session_is_merged_into_another_Should_give_it_the_other_sessions_own_items_once_and_hand_them_over_at_its_resume()
    {
        await using var host = HostProcess.Start();
        await host.WaitForAsync("/readyz", HttpStatusCode.OK, Within);
        var project = "/work/merge-" + Guid.NewGuid().ToString("N")[..8];
        var (into, from) = ("merge-into-" + Guid.NewGuid().ToString("N")[..8], "merge-from-" + Guid.NewGuid().ToString("N")[..8]);
        foreach (var session in new[] { into, from })
        {
            await host.PostHookAsync($$"""{"session_id":"{{session}}","hook_event_name":"SessionStart","source":"startup","cwd":"{{project}}"}""", Cancel);
            await host.PostHookAsync($$"""{"session_id":"{{session}}","hook_event_name":"UserPromptSubmit","prompt":"work on {{session}}","cwd":"{{project}}"}""", Cancel);
        }
        foreach (var session in new[] { into, from })
            await Eventually.ReturnsAsync(() => host.Http.GetAsync($"/api/sessions/{session}", Cancel), r => r.StatusCode == HttpStatusCode.OK, Within, $"session {session} kept");
        var notes = new[] { ("code", false, "The queue is Postgres-backed; see db/queue.sql."), ("conversation", true, "Keep the retry budget at three.") };
        foreach (var (type, isPrivate, content) in notes)
            await SaveItemAsync(host, new { type, scope = "session", sessionId = from, projectDir = project, @private = isPrivate, priority = 50, content, merge = false });
        await SaveItemAsync(host, new { type = "project", scope = "project", projectDir = project, @private = false, priority = 50, content = "Shared by the whole project.", merge = false });
        var smctl = new Dictionary<string, string> { ["SM_GATEWAY_URL"] = host.BaseAddress.ToString() };
        var database = Path.Combine(host.DataDirectory, "session-management.db");

        var first = await SmctlProcess.RunAsync(smctl, "merge", into, from, "--json");
        var afterFirst = Rows(database, into);
        var second = await SmctlProcess.RunAsync(smctl, "merge", into, from, "--json");
        var afterSecond = Rows(database, into);
        var missing = await SmctlProcess.RunAsync(smctl, "merge", into, "no-such-session");
        var resumed = await host.PostHookAsync($$"""{"session_id":"{{into}}","hook_event_name":"SessionStart","source":"resume","cwd":"{{project}}"}""", Cancel);
        var context = JsonDocument.Parse(resumed).RootElement
            .GetProperty("hookSpecificOutput").GetProperty("additionalContext").GetString();

        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Equal(2, JsonDocument.Parse(first.Stdout).RootElement.GetProperty("items").GetArrayLength());
        // The database file itself: the two session items are now the other session's too, with their content, kept private where they were.
        Assert.Equal(notes.Select(n => (n.Item3, n.Item2 ? 1L : 0L)).Order(), afterFirst.Select(r => (r.Content, r.Private)).Order());
        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.Equal(afterFirst, afterSecond); // run again: the same rows, the same versions
        Assert.Equal(4, missing.ExitCode);
        Assert.Contains("The queue is Postgres-backed", context, StringComparison.Ordinal);
        Assert.Contains("Keep the retry budget at three.", context, StringComparison.Ordinal);
    }

    private static List<(string Content, long Private, long Version)> Rows(string database, string session)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT content, encoding, private, version FROM context_items WHERE scope = 'session' AND session_id = $s ORDER BY item_id";
        command.Parameters.AddWithValue("$s", session);
        using var reader = command.ExecuteReader();
        var rows = new List<(string, long, long)>();
        while (reader.Read())
        {
            var bytes = (byte[])reader.GetValue(0);
            rows.Add((SqliteFile.Unpacked(bytes, reader.GetString(1)), reader.GetInt64(2), reader.GetInt64(3)));
        }
        return rows;
    }

    private static async Task SaveItemAsync(HostProcess host, object item)
    {
        using var saved = await host.Http.PostAsJsonAsync("/api/context", item, Cancel);
        Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync(Cancel));
    }
}
