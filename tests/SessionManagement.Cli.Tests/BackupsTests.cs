using System.Net;
using System.Text.Json;
using SessionManagement.Testing;

namespace SessionManagement.Cli.Tests;

/// <summary>smctl backups: taken now, listed for one session or for every session (the backup files on disk are the witness), restored.</summary>
public sealed class BackupsTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task When_backups_are_listed_without_a_session_Should_list_every_sessions_as_the_files_hold_them_and_restore_one()
    {
        await using var host = HostProcess.Start();
        await host.WaitForAsync("/readyz", HttpStatusCode.OK, Within);
        var project = "/work/backups-" + Guid.NewGuid().ToString("N")[..8];
        string[] sessions = [$"backups-a-{Guid.NewGuid().ToString("N")[..8]}", $"backups-b-{Guid.NewGuid().ToString("N")[..8]}"];
        foreach (var session in sessions)
        {
            await PostAsync(host, session, "SessionStart", ",\"source\":\"startup\"", project);
            await PostAsync(host, session, "UserPromptSubmit", ",\"prompt\":\"tidy the backups\"", project);
            await Eventually.ReturnsAsync(() => host.Http.GetStringAsync($"/api/sessions/{session}", Cancel),
                text => JsonDocument.Parse(text).RootElement.GetProperty("eventCount").GetInt64() == 2, Within, $"{session} kept");
        }
        var smctl = new Dictionary<string, string> { ["SM_GATEWAY_URL"] = host.BaseAddress.ToString() };
        var folder = Path.Combine(host.DataDirectory, "backups");

        var run = await SmctlProcess.RunAsync(smctl, "backups", "run");
        var files = await Eventually.ReturnsAsync(() => Task.FromResult(Directory.Exists(folder)
                ? Directory.GetFiles(folder, "*.backup", SearchOption.AllDirectories) : []),
            found => found.Length == sessions.Length, Within, "a backup file for each session");
        await PostAsync(host, sessions[0], "UserPromptSubmit", ",\"prompt\":\"after the backup\"", project);
        await Eventually.ReturnsAsync(() => host.Http.GetStringAsync($"/api/sessions/{sessions[0]}", Cancel),
            text => JsonDocument.Parse(text).RootElement.GetProperty("eventCount").GetInt64() == 3, Within, "the prompt after the backup kept");
        var all = await SmctlProcess.RunAsync(smctl, "backups", "list", "--json");
        var table = await SmctlProcess.RunAsync(smctl, "backups", "list");
        var newest = await SmctlProcess.RunAsync(smctl, "backups", "list", "--limit", "1");
        var one = await SmctlProcess.RunAsync(smctl, "backups", "list", sessions[1], "--json");
        var refused = await SmctlProcess.RunAsync(smctl, "backups", "list", "--limit", "0");

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.True(all.ExitCode == 0, all.Stderr);
        var listed = JsonDocument.Parse(all.Stdout).RootElement;
        // Each backup file's name ends with its backup id, and it lies in its session's folder.
        var onDisk = files.Select(f => (Id: Path.GetFileNameWithoutExtension(f)[^32..], Session: Path.GetFileName(Path.GetDirectoryName(f)!))).Order().ToList();
        var fromSmctl = listed.GetProperty("backups").EnumerateArray()
            .Select(b => (Id: Guid.Parse(b.GetProperty("backupId").GetString()!).ToString("N"), Session: b.GetProperty("sessionId").GetString()!)).Order().ToList();
        Assert.Equal(onDisk, fromSmctl);
        Assert.Equal(sessions.Length, listed.GetProperty("total").GetInt32());
        Assert.True(table.ExitCode == 0, table.Stderr);
        Assert.All(sessions, s => Assert.Contains(s, table.Stdout, StringComparison.Ordinal));
        Assert.Contains("2 of 2", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("1 of 2", newest.Stdout, StringComparison.Ordinal);
        var ofOne = Assert.Single(JsonDocument.Parse(one.Stdout).RootElement.GetProperty("backups").EnumerateArray());
        Assert.Equal(onDisk.Single(f => f.Session == sessions[1]).Id, Guid.Parse(ofOne.GetProperty("backupId").GetString()!).ToString("N"));
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("--limit", refused.Stdout + refused.Stderr, StringComparison.Ordinal);

        var backupOfFirst = onDisk.Single(f => f.Session == sessions[0]).Id;
        var restored = await SmctlProcess.RunAsync(smctl, "backups", "restore", backupOfFirst);
        Assert.True(restored.ExitCode == 0, restored.Stderr);
        await Eventually.ReturnsAsync(() => host.Http.GetStringAsync($"/api/sessions/{sessions[0]}", Cancel),
            text => JsonDocument.Parse(text).RootElement.GetProperty("eventCount").GetInt64() == 2, Within, "the session as its backup holds it: two hooks");
    }

    private static Task PostAsync(HostProcess host, string session, string name, string fields, string project) =>
        host.PostHookAsync($$"""{"session_id":"{{session}}","hook_event_name":"{{name}}","cwd":"{{project}}"{{fields}}}""", Cancel);
}
