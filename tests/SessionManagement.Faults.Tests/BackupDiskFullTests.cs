using System.Net;
using System.Text.Json;
using SessionManagement.Testing;

namespace SessionManagement.Faults.Tests;

/// <summary>
/// The backups' disk fills up: each kind of backup run says it could not write, and why, at every run; no part of a backup is left
/// behind; once space is freed, the next run takes them all.
/// </summary>
public sealed class BackupDiskFullTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(120);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task When_the_backup_disk_is_full_Should_say_which_backups_failed_and_why_leave_no_part_behind_and_take_them_once_freed()
    {
        using var disk = SmallDisk.TryMount(8, out var refused);
        if (disk is null)
            Assert.Skip(refused!);
        await using var host = HostProcess.Start(new Dictionary<string, string> { ["SM_Storage__BackupDirectory"] = disk.Path });
        await host.WaitForAsync("/readyz", HttpStatusCode.OK, Within);
        // Filled before anything is kept: every backup of what follows waits for the disk.
        var ballast = disk.Fill();
        string[] sessions = [.. Enumerable.Range(0, 3).Select(i => $"backup-full-{i}-{Guid.NewGuid().ToString("N")[..8]}")];
        foreach (var session in sessions)
        {
            var content = string.Concat(TranscriptLines.User(session, "u1", null, 0, "keep this when the disk is full", "/work/full"), "\n",
                TranscriptLines.AssistantText(session, "a1", "u1", 1, "Kept.", "/work/full"), "\n");
            using var import = await host.Http.PostAsync($"/api/sessions/import?name={session}.jsonl&session={session}", new StringContent(content), Cancel);
            Assert.True(import.IsSuccessStatusCode, await import.Content.ReadAsStringAsync(Cancel));
            await host.PostHookAsync($$"""{"session_id":"{{session}}","hook_event_name":"UserPromptSubmit","cwd":"/work/full","prompt":"and a hook"}""", Cancel);
        }
        await Eventually.ReturnsAsync(() => host.Http.GetStringAsync("/api/sessions?limit=100", Cancel),
            text => sessions.All(s => text.Contains(s, StringComparison.Ordinal)), Within, "the sessions kept");

        var full = await RunAsync(host, runs => runs["sessions"].State == "failed" && runs["transcripts"].State == "failed", "the runs on a full disk");
        var fullAgain = await RunAsync(host, runs => runs["sessions"].At > full["sessions"].At && runs["transcripts"].At > full["transcripts"].At,
            "the next runs, said as well");
        var partsLeft = Directory.GetFiles(disk.Path, "*", SearchOption.AllDirectories).Where(f => f != ballast).ToList();
        File.Delete(ballast);
        var freed = await RunAsync(host, runs => runs.Values.All(r => r.State == "ok") && runs["sessions"].At > fullAgain["sessions"].At, "the run once freed");

        foreach (var kind in new[] { "sessions", "transcripts" })
        {
            Assert.Equal("failed", fullAgain[kind].State);
            Assert.Contains("No space left on device", fullAgain[kind].Problem, StringComparison.Ordinal);
        }
        Assert.Equal(3, fullAgain["sessions"].Failed);
        // Nothing but folders and the audit month written before the disk filled: no temporary file, no backup cut short.
        Assert.All(partsLeft, f => Assert.EndsWith(".audit", f, StringComparison.Ordinal));
        Assert.Equal(3, freed["sessions"].Written);
        Assert.Equal(3, freed["transcripts"].Written);
        // Each session's backup is on the disk now, in its own folder.
        Assert.All(sessions, s => Assert.Single(Directory.GetFiles(Path.Combine(disk.Path, s), "*.backup")));
        Assert.Single(Directory.GetFiles(Path.Combine(disk.Path, ".transcripts"), "*.lines", SearchOption.AllDirectories), f => f.Contains(sessions[0], StringComparison.Ordinal));

        async Task<Dictionary<string, Run>> RunsAsync() =>
            JsonDocument.Parse(await host.Http.GetStringAsync("/api/backups/runs", Cancel)).RootElement.GetProperty("runs").EnumerateArray()
                .ToDictionary(r => r.GetProperty("kind").GetString()!, r => new Run(r.GetProperty("state").GetString()!,
                    r.TryGetProperty("lastRunAt", out var at) && at.ValueKind == JsonValueKind.String ? at.GetDateTimeOffset() : DateTimeOffset.MinValue,
                    r.TryGetProperty("written", out var w) && w.ValueKind == JsonValueKind.Number ? w.GetInt32() : 0,
                    r.TryGetProperty("failed", out var f) && f.ValueKind == JsonValueKind.Number ? f.GetInt32() : 0,
                    r.TryGetProperty("problem", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString()! : ""));

        async Task<Dictionary<string, Run>> RunAsync(HostProcess on, Func<Dictionary<string, Run>, bool> holds, string what)
        {
            using (var run = await on.Http.PostAsync("/api/backups/run", null, Cancel))
                run.EnsureSuccessStatusCode();
            return await Eventually.ReturnsAsync(RunsAsync, holds, Within, what);
        }
    }

    private sealed record Run(string State, DateTimeOffset At, int Written, int Failed, string Problem);
}
