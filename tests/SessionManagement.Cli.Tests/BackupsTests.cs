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

    [Fact]
    public async Task When_a_kind_of_backup_cannot_be_written_Should_have_the_doctor_name_it_and_why_at_every_run_and_take_it_once_mended()
    {
        await using var host = HostProcess.Start();
        await host.WaitForAsync("/readyz", HttpStatusCode.OK, Within);
        var smctl = new Dictionary<string, string>(host.SmHookEnvironment()) { ["CLAUDE_CONFIG_DIR"] = Path.Combine(host.Home, ".claude") };
        // Chat's folder of transcript backups made impossible: a file where the folder goes.
        var transcripts = Path.Combine(host.DataDirectory, "backups", ".transcripts");
        if (Directory.Exists(transcripts))
            Directory.Delete(transcripts, recursive: true);
        Directory.CreateDirectory(Path.GetDirectoryName(transcripts)!);
        await File.WriteAllTextAsync(transcripts, "not a folder", Cancel);
        var session = "backups-run-" + Guid.NewGuid().ToString("N")[..8];
        var content = string.Concat(TranscriptLines.User(session, "u1", null, 0, "keep this safe", "/work/runs"), "\n",
            TranscriptLines.AssistantText(session, "a1", "u1", 1, "Kept.", "/work/runs"), "\n");
        var file = Path.Combine(host.Home, session + ".jsonl");
        await File.WriteAllTextAsync(file, content, Cancel);
        Assert.Equal(0, (await SmctlProcess.RunAsync(smctl, "import", file)).ExitCode);

        async Task<JsonElement> TranscriptsRunAsync() => JsonDocument.Parse(await host.Http.GetStringAsync("/api/backups/runs", Cancel)).RootElement
            .GetProperty("runs").EnumerateArray().Single(r => r.GetProperty("kind").GetString() == "transcripts");
        Assert.Equal(0, (await SmctlProcess.RunAsync(smctl, "backups", "run")).ExitCode);
        var failed = await Eventually.ReturnsAsync(TranscriptsRunAsync, r => r.GetProperty("state").GetString() == "failed", Within, "the run that could not write");
        // Run again: a failed write once kept every later run of chat's backups waiting for good.
        Assert.Equal(0, (await SmctlProcess.RunAsync(smctl, "backups", "run")).ExitCode);
        var again = await Eventually.ReturnsAsync(TranscriptsRunAsync,
            r => r.GetProperty("lastRunAt").GetDateTimeOffset() > failed.GetProperty("lastRunAt").GetDateTimeOffset(), Within, "the next run, said as well");
        var doctor = await SmctlProcess.RunAsync(smctl, "doctor", "--json");

        Assert.Equal("failed", again.GetProperty("state").GetString());
        Assert.Equal(1, again.GetProperty("failed").GetInt32());
        Assert.Equal(8, doctor.ExitCode);
        var check = JsonDocument.Parse(doctor.Stdout).RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "backups");
        Assert.False(check.GetProperty("ok").GetBoolean());
        var detail = check.GetProperty("detail").GetString()!;
        Assert.Contains($"transcripts: the last run", detail, StringComparison.Ordinal);
        Assert.Contains($"the transcripts of session {session}", detail, StringComparison.Ordinal);
        Assert.Contains("smctl backups run", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("sessions:", detail, StringComparison.Ordinal); // the other kinds were written

        File.Delete(transcripts);
        Assert.Equal(0, (await SmctlProcess.RunAsync(smctl, "backups", "run")).ExitCode);
        await Eventually.ReturnsAsync(TranscriptsRunAsync, r => r.GetProperty("state").GetString() == "ok", Within, "the run once mended");
        var mended = await SmctlProcess.RunAsync(smctl, "doctor", "--json");

        var ok = JsonDocument.Parse(mended.Stdout).RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "backups");
        Assert.True(ok.GetProperty("ok").GetBoolean(), ok.ToString());
        Assert.Contains("sessions, transcripts, context items and the audit trail are backed up every 1 h", ok.GetProperty("detail").GetString(), StringComparison.Ordinal);
        // The backup now on disk is of the test's lines: its header (a JSON line in its first kilobyte) holds their SHA-256.
        var backup = Assert.Single(Directory.GetFiles(transcripts, "*.lines", SearchOption.AllDirectories));
        var header = new byte[1024];
        await using (var read = File.OpenRead(backup))
            await read.ReadExactlyAsync(header, Cancel);
        var sha256 = JsonDocument.Parse(System.Text.Encoding.UTF8.GetString(header).Trim()).RootElement.EnumerateObject()
            .Single(p => p.Name.Equals("sha256", StringComparison.OrdinalIgnoreCase)).Value.GetString();
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(content))), sha256);
    }

    private static Task PostAsync(HostProcess host, string session, string name, string fields, string project) =>
        host.PostHookAsync($$"""{"session_id":"{{session}}","hook_event_name":"{{name}}","cwd":"{{project}}"{{fields}}}""", Cancel);
}
