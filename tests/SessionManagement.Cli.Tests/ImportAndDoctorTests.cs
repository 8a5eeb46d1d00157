using System.Net;
using System.Text;
using System.Text.Json;
using SessionManagement.Testing;

namespace SessionManagement.Cli.Tests;

/// <summary>smctl against a running embedded host: a projects tree imported twice, listings, exports, and the doctor.</summary>
public sealed class ImportAndDoctorTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task When_a_projects_tree_is_imported_twice_Should_import_it_all_once_then_nothing_and_give_every_file_back()
    {
        await using var host = HostProcess.Start();
        await host.WaitForAsync("/readyz", HttpStatusCode.OK, TimeSpan.FromSeconds(60));
        using var tree = new TempDirectory();
        var (a, b) = ("tree-a-" + Guid.NewGuid().ToString("N")[..8], "tree-b-" + Guid.NewGuid().ToString("N")[..8]);
        var files = new Dictionary<string, (string Session, string? File)>
        {
            [Write(tree.Path, "-work-app", a + ".jsonl", Transcript(a, "/work/app", "fix the build", 3))] = (a, null),
            [Write(tree.Path, "-work-app", Path.Combine(a, "subagents", "agent-5e1f.jsonl"), Transcript(a, "/work/app", "find the failing test", 2))] = (a, "subagents/agent-5e1f.jsonl"),
            [Write(tree.Path, "-work-lib", b + ".jsonl", Transcript(b, "/work/lib", "write the docs", 4))] = (b, null),
        };
        // A transcript with a secret in it: kept masked, so the store gives back other bytes than the file's.
        var (c, secret) = ("tree-c-" + Guid.NewGuid().ToString("N")[..8], "AKIAIOSFODNN7EXAMPLE");
        var leaky = Write(tree.Path, "-work-lib", c + ".jsonl", Transcript(c, "/work/lib", $"deploy with {secret} and password=hunter2", 2));
        var smctl = new Dictionary<string, string> { ["SM_GATEWAY_URL"] = host.BaseAddress.ToString() };

        var first = await SmctlProcess.RunAsync(smctl, "import", tree.Path, "--json");
        var askedBefore = await FilesAskedAsync(host);
        var second = await SmctlProcess.RunAsync(smctl, "import", tree.Path, "--json");
        var askedBySecond = await FilesAskedAsync(host) - askedBefore;
        var table = await SmctlProcess.RunAsync(smctl, "sessions", "list", "--project", "/work/app");

        Assert.True(first.ExitCode == 0, first.Stderr);
        var firstRun = JsonDocument.Parse(first.Stdout).RootElement;
        Assert.Equal((4, 4, 0), (firstRun.GetProperty("files").GetInt32(), firstRun.GetProperty("imported").GetInt32(), firstRun.GetProperty("skipped").GetInt32()));
        Assert.Equal(files.Keys.Append(leaky).Sum(f => File.ReadAllLines(f).Length), firstRun.GetProperty("lines").GetInt64());
        var secondRun = JsonDocument.Parse(second.Stdout).RootElement;
        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.Equal((0, 4), (secondRun.GetProperty("imported").GetInt32(), secondRun.GetProperty("skipped").GetInt32())); // the masked one too
        Assert.Equal(3, askedBySecond); // what each of the 3 sessions holds asked once, its subagent's file told by the same answer
        var kept = await SmctlProcess.RunAsync(smctl, "sessions", "export", c);
        Assert.DoesNotContain(secret, kept.Stdout, StringComparison.Ordinal);
        Assert.Equal(new FileInfo(leaky).Length, System.Text.Encoding.UTF8.GetByteCount(kept.Stdout)); // masked in place, the same length
        foreach (var (path, (session, file)) in files)
        {
            using var exported = new MemoryStream();
            var export = await SmctlProcess.RunAsync(smctl, ["sessions", "export", session, "-o", path + ".exported", .. file is null ? Array.Empty<string>() : ["--file", file]]);
            Assert.True(export.ExitCode == 0, export.Stderr);
            Assert.Equal(await File.ReadAllBytesAsync(path, Cancel), await File.ReadAllBytesAsync(path + ".exported", Cancel));
        }
        Assert.Equal(0, table.ExitCode);
        Assert.Contains(a, table.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(b, table.Stdout, StringComparison.Ordinal);

        // A session's tokens, as the lines written here say them (no requestId: each line counts, as ccusage counts it).
        var usage = File.ReadAllLines(files.Single(f => f.Value == (b, null)).Key).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(r => r.GetProperty("message").TryGetProperty("usage", out _)).Select(r => r.GetProperty("message").GetProperty("usage")).ToList();
        var (input, output) = (usage.Sum(u => u.GetProperty("input_tokens").GetInt64() + u.GetProperty("cache_creation_input_tokens").GetInt64()
            + u.GetProperty("cache_read_input_tokens").GetInt64()), usage.Sum(u => u.GetProperty("output_tokens").GetInt64()));
        var shown = await Eventually.ReturnsAsync(async () => JsonDocument.Parse((await SmctlProcess.RunAsync(smctl, "sessions", "show", b, "--json")).Stdout).RootElement,
            s => s.GetProperty("status").ValueKind == JsonValueKind.Object && s.GetProperty("status").GetProperty("outputTokens").GetInt64() >= output,
            TimeSpan.FromSeconds(30), $"session {b}'s {output} output tokens");
        Assert.Equal((input, output), (shown.GetProperty("status").GetProperty("inputTokens").GetInt64(), shown.GetProperty("status").GetProperty("outputTokens").GetInt64()));
        var panel = await SmctlProcess.RunAsync(smctl, "sessions", "show", b);
        Assert.Contains($"Tokens in / out  {input:N0} / {output:N0}", panel.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"Cost +\$0\.\d{2,4}", panel.Stdout);
        Assert.Contains($"Resume it in a folder of yours (/work/lib is not on this machine): smctl restore {b} --to-project DIR && cd DIR && claude --resume {b}",
            panel.Stdout, StringComparison.Ordinal);

        // The store says what a file it holds comes to, worked out here from the file's bytes as documented (TranscriptDigest):
        // the framework's XXH128 of each line's offset (8 bytes, little-endian) and bytes, XORed.
        var own = files.Single(f => f.Value == (a, null)).Key;
        var bytes = await File.ReadAllBytesAsync(own, Cancel);
        var expected = UInt128.Zero;
        for (int start = 0, end; start < bytes.Length; start = end + 1)
        {
            end = Array.IndexOf(bytes, (byte)'\n', start);
            expected ^= System.IO.Hashing.XxHash128.HashToUInt128([.. BitConverter.GetBytes((long)start), .. bytes.AsSpan(start, end - start)]);
        }
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        var held = JsonDocument.Parse(await http.GetStringAsync($"/api/sessions/{a}/files", Cancel)).RootElement.GetProperty("files")[0];
        Assert.Equal((expected.ToString("x32", System.Globalization.CultureInfo.InvariantCulture), "xxh128"),
            (held.GetProperty("digest").GetString(), held.GetProperty("digestAlgorithm").GetString()));
        // A file changed in place, as many lines as before: not what the store holds, so it is imported again.
        await File.WriteAllTextAsync(own, (await File.ReadAllTextAsync(own, Cancel)).Replace("fix the build", "fix the tests", StringComparison.Ordinal), Cancel);
        var third = JsonDocument.Parse((await SmctlProcess.RunAsync(smctl, "import", tree.Path, "--json")).Stdout).RootElement;
        Assert.Equal((1, 3), (third.GetProperty("imported").GetInt32(), third.GetProperty("skipped").GetInt32()));
    }

    [Fact]
    public async Task When_asked_for_what_is_not_there_Should_say_so_with_its_own_exit_code()
    {
        await using var host = HostProcess.Start();
        await host.WaitForAsync("/readyz", HttpStatusCode.OK, TimeSpan.FromSeconds(60));
        var smctl = new Dictionary<string, string> { ["SM_GATEWAY_URL"] = host.BaseAddress.ToString() };

        var missing = await SmctlProcess.RunAsync(smctl, "sessions", "show", "no-such-session");
        var restore = await SmctlProcess.RunAsync(smctl, "restore", "no-such-session", "--config-dir", host.Home);
        var down = await SmctlProcess.RunAsync(new Dictionary<string, string> { ["SM_GATEWAY_URL"] = "http://127.0.0.1:1" }, "sessions", "list");
        var unknown = await SmctlProcess.RunAsync(smctl, "sessions", "frobnicate");
        // Known by its hooks alone (Claude Code wrote no transcript: a start that failed): shown, but not offered for resuming.
        var hooksOnly = "hooks-only-" + Guid.NewGuid().ToString("N")[..8];
        await host.PostHookAsync($$"""{"session_id":"{{hooksOnly}}","hook_event_name":"SessionStart","source":"startup","cwd":"/work/p"}""", TestContext.Current.CancellationToken);
        var shown = await Eventually.ReturnsAsync(() => SmctlProcess.RunAsync(smctl, "sessions", "show", hooksOnly), run => run.ExitCode == 0,
            TimeSpan.FromSeconds(30), "the session kept from its hook");
        Assert.Contains(hooksOnly, shown.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Resume it", shown.Stdout, StringComparison.Ordinal);
        Assert.Contains("cannot be resumed", shown.Stdout, StringComparison.Ordinal);

        Assert.Equal((4, 4, 3), (missing.ExitCode, restore.ExitCode, down.ExitCode));
        Assert.Contains("no session no-such-session", missing.Stderr, StringComparison.Ordinal);
        Assert.Contains("does not answer", down.Stderr, StringComparison.Ordinal);
        Assert.NotEqual(0, unknown.ExitCode);
    }

    [Fact]
    public async Task When_the_doctor_looks_Should_pass_a_kept_setup_and_name_what_is_wrong_with_a_broken_one()
    {
        await using var host = HostProcess.Start();
        await host.WaitForAsync("/readyz", HttpStatusCode.OK, TimeSpan.FromSeconds(60));
        var environment = host.SmHookEnvironment();
        Assert.Equal(0, (await SmHookProcess.RunAsync("", environment, "install", "--user", "--no-async")).ExitCode);
        var claude = Path.Combine(host.Home, ".claude");
        // A transcript Claude Code deletes within the week (it is 27 days old) that the store does not hold.
        var old = Write(Path.Combine(claude, "projects"), "-work-old", "old-session.jsonl", Transcript("old-session", "/work/old", "an old prompt", 1));
        File.SetLastWriteTimeUtc(old, DateTime.UtcNow.AddDays(-27));
        // And its tool output too large for the transcript, which Claude Code deletes with the session's folder.
        var output = Path.Combine(claude, "projects", "-work-old", "old-session", "tool-results", "b9w2k.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        await File.WriteAllTextAsync(output, string.Join("\n", Enumerable.Range(1, 8_000)), Cancel);
        // And its checkpoint of a file it changed, which Claude Code's cleanup deletes with the session too.
        var checkpoint = Path.Combine(claude, "file-history", "old-session", "0123456789abcdef@v1");
        Directory.CreateDirectory(Path.GetDirectoryName(checkpoint)!);
        await File.WriteAllTextAsync(checkpoint, "the file before the edit\n", Cancel);
        var smctl = new Dictionary<string, string>(environment) { ["CLAUDE_CONFIG_DIR"] = claude };

        var unheld = await SmctlProcess.RunAsync(smctl, "doctor", "--json");
        Assert.Equal(0, (await SmctlProcess.RunAsync(smctl, "import", old)).ExitCode);
        var healthy = await SmctlProcess.RunAsync(smctl, "doctor", "--json");
        var broken = await SmctlProcess.RunAsync(new Dictionary<string, string>(smctl) { ["SM_GATEWAY_URL"] = "http://127.0.0.1:1" }, "doctor");

        Assert.Equal(8, unheld.ExitCode);
        var report = JsonDocument.Parse(unheld.Stdout).RootElement;
        Assert.Equal([old, output, checkpoint], report.GetProperty("unheld").EnumerateArray().Select(p => p.GetString()));
        Assert.True(healthy.ExitCode == 0, healthy.Stdout + healthy.Stderr);
        var passed = JsonDocument.Parse(healthy.Stdout).RootElement.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        Assert.All(passed.Values, c => Assert.True(c.GetProperty("ok").GetBoolean(), c.ToString()));
        Assert.Equal(["gateway", "store", "bus", "modules", "hooks", "spool", "errors", "backups", "redaction", "encryption", "prices", "cleanup"], passed.Keys);
        Assert.Equal("no failed message waits; no input refused", passed["errors"].GetProperty("detail").GetString());
        Assert.Contains("all 8 run, in 1 process (InMemory bus, Sqlite store)", passed["modules"].GetProperty("detail").GetString(), StringComparison.Ordinal);
        // The free space of the data folder, as df (not our code) tells it, to the tenth of a GB it is shown in.
        var df = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("df", ["-B1", "--output=avail", host.DataDirectory]) { RedirectStandardOutput = true })!;
        var avail = long.Parse((await df.StandardOutput.ReadToEndAsync(Cancel)).Split('\n', StringSplitOptions.RemoveEmptyEntries)[1].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var shownFree = System.Text.RegularExpressions.Regex.Match(passed["store"].GetProperty("detail").GetString()!, @"([\d.]+) GB free for its data folder");
        Assert.True(shownFree.Success, passed["store"].ToString());
        Assert.InRange(double.Parse(shownFree.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), avail / (double)(1L << 30) - 0.2, avail / (double)(1L << 30) + 0.2);
        Assert.Equal(8, broken.ExitCode);
        Assert.Contains("does not answer", broken.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_modules_are_missing_or_the_hooks_post_elsewhere_Should_have_the_doctor_name_them()
    {
        // A gateway alone on the in-memory bus: nothing runs the other seven modules.
        await using var host = HostProcess.Start(null, "--target=gateway");
        await host.WaitForAsync("/readyz", HttpStatusCode.OK, TimeSpan.FromSeconds(60));
        // Hooks installed to post straight to another gateway (port 1), and the doctor asked about this one.
        var elsewhere = new Dictionary<string, string>(host.SmHookEnvironment()) { ["SM_GATEWAY_URL"] = "http://127.0.0.1:1" };
        Assert.Equal(0, (await SmHookProcess.RunAsync("", elsewhere, "install", "--user", "--http")).ExitCode);
        // And Stop's hook made to run in the background, as an install before Stop was waited for wrote it.
        var settingsPath = Path.Combine(host.Home, ".claude", "settings.json");
        var settings = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(settingsPath, Cancel))!;
        settings["hooks"]!["Stop"]![0]!["hooks"]![0]!["async"] = true;
        // And without the two events an sm-hook of before 2.1.332's list did not register.
        settings["hooks"]!.AsObject().Remove("DirectoryAdded");
        settings["hooks"]!.AsObject().Remove("PreSkillShellCommand");
        // And SessionStart's command left pointing where sm-hook was before its folder moved.
        settings["hooks"]!["SessionStart"]![0]!["hooks"]![0]!["command"] = "\"/gone away/artifacts/sm-hook/sm-hook\"";
        await File.WriteAllTextAsync(settingsPath, settings.ToJsonString(), Cancel);
        var smctl = new Dictionary<string, string>(host.SmHookEnvironment()) { ["CLAUDE_CONFIG_DIR"] = Path.Combine(host.Home, ".claude") };

        var doctor = await SmctlProcess.RunAsync(smctl, "doctor", "--json");

        Assert.Equal(8, doctor.ExitCode);
        var checks = JsonDocument.Parse(doctor.Stdout).RootElement.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        Assert.True(checks["gateway"].GetProperty("ok").GetBoolean());
        Assert.False(checks["modules"].GetProperty("ok").GetBoolean());
        Assert.Contains("none running of saver, chat, context, loader, status, scheduler, notifier", checks["modules"].GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.False(checks["hooks"].GetProperty("ok").GetBoolean());
        Assert.Contains("some post to http://127.0.0.1:1, not to this gateway", checks["hooks"].GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("Stop runs in the background", checks["hooks"].GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("sm-hook runs for 28 events", checks["hooks"].GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("not for DirectoryAdded, PreSkillShellCommand, so those events are not captured: run sm-hook install again",
            checks["hooks"].GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("but /gone away/artifacts/sm-hook/sm-hook is not there (moved or deleted)", checks["hooks"].GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_secret_detection_is_turned_off_Should_have_the_doctor_say_so()
    {
        await using var host = HostProcess.Start(new Dictionary<string, string> { ["SM_session_management__chat_management__redact_secrets"] = "false" });
        await host.WaitForAsync("/readyz", HttpStatusCode.OK, TimeSpan.FromSeconds(60));

        var doctor = await SmctlProcess.RunAsync(host.SmHookEnvironment(), "doctor", "--json");

        var redaction = JsonDocument.Parse(doctor.Stdout).RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "redaction");
        Assert.False(redaction.GetProperty("ok").GetBoolean());
        Assert.Contains("chat_management.redact_secrets is false", redaction.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(8, doctor.ExitCode);
    }

    [Fact]
    public async Task When_a_session_s_folder_or_worktree_is_gone_Should_say_where_to_resume_it_instead_of_a_cd_that_fails()
    {
        await using var host = HostProcess.Start();
        await host.WaitForAsync("/readyz", HttpStatusCode.OK, TimeSpan.FromSeconds(60));
        using var tree = new TempDirectory();
        using var folders = new TempDirectory();
        var checkout = Path.Combine(folders.Path, "app");
        Directory.CreateDirectory(checkout);
        var (here, worktree, elsewhere) = ("here-" + Guid.NewGuid().ToString("N")[..8], "wt-" + Guid.NewGuid().ToString("N")[..8], "gone-" + Guid.NewGuid().ToString("N")[..8]);
        var gone = checkout + "/.claude/worktrees/fix-login"; // made by claude --worktree, removed since: never created here
        Write(tree.Path, "a", here + ".jsonl", Transcript(here, checkout, "fix the build", 1));
        Write(tree.Path, "b", worktree + ".jsonl", Transcript(worktree, gone, "fix the login", 1));
        Write(tree.Path, "c", elsewhere + ".jsonl", Transcript(elsewhere, "/nowhere/app", "fix the docs", 1));
        var smctl = new Dictionary<string, string> { ["SM_GATEWAY_URL"] = host.BaseAddress.ToString() };
        Assert.Equal(0, (await SmctlProcess.RunAsync(smctl, "import", tree.Path)).ExitCode);

        var shown = new Dictionary<string, string>();
        foreach (var id in new[] { here, worktree, elsewhere })
            shown[id] = (await SmctlProcess.RunAsync(smctl, "sessions", "show", id)).Stdout;
        // The project named through a link to its folder, with the / a shell's completion adds: Claude Code names it by its target.
        var link = Path.Combine(tree.Path, "linked");
        Directory.CreateSymbolicLink(link, folders.Path);
        var listed = await SmctlProcess.RunAsync(smctl, "sessions", "list", "--project", Path.Combine(link, "app") + "/", "--json");
        var config = Path.Combine(folders.Path, "claude");
        var restored = await SmctlProcess.RunAsync(smctl, "restore", worktree, "--config-dir", config);
        var handed = await SmctlProcess.RunAsync(smctl, "restore", worktree, "--config-dir", config + "2", "--to-project", checkout);

        Assert.Contains($"Resume it: smctl restore {here} && cd {checkout} && claude --resume {here}", shown[here], StringComparison.Ordinal);
        Assert.True(listed.ExitCode == 0, listed.Stderr);
        Assert.Equal([here, worktree], JsonDocument.Parse(listed.Stdout).RootElement.GetProperty("sessions").EnumerateArray()
            .Select(s => s.GetProperty("sessionId").GetString()).Order(StringComparer.Ordinal));
        Assert.Contains($"Resume it in its checkout (its worktree {gone} is gone): smctl restore {worktree} --to-project {checkout} && cd {checkout} && claude --resume {worktree}",
            shown[worktree], StringComparison.Ordinal);
        Assert.Contains($"Resume it in a folder of yours (/nowhere/app is not on this machine): smctl restore {elsewhere} --to-project DIR", shown[elsewhere], StringComparison.Ordinal);
        Assert.True(restored.ExitCode == 0, restored.Stderr);
        Assert.Contains($"Its worktree {gone} is gone; to go on in its checkout: smctl restore {worktree} --to-project {checkout}", restored.Stdout, StringComparison.Ordinal);
        Assert.True(handed.ExitCode == 0, handed.Stderr);
        Assert.Contains($"Resume it: cd {checkout} && claude --resume {worktree}", handed.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("is gone", handed.Stdout, StringComparison.Ordinal);
        // Handed to the checkout, every cwd of the file names it: Claude Code, run there, takes it as the checkout's.
        var file = Assert.Single(Directory.GetFiles(Path.Combine(config + "2", "projects"), worktree + ".jsonl", SearchOption.AllDirectories));
        Assert.All(File.ReadLines(file), line => Assert.Equal(checkout, JsonDocument.Parse(line).RootElement.GetProperty("cwd").GetString()));
    }

    private static string Write(string root, string project, string name, string content)
    {
        var path = Path.Combine(root, project, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>A small transcript: <paramref name="turns"/> prompts and replies, the first prompt <paramref name="prompt"/>.</summary>
    private static string Transcript(string session, string cwd, string prompt, int turns)
    {
        var lines = new StringBuilder();
        string? parent = null;
        for (var i = 0; i < turns; i++)
        {
            var user = $"{session}-u{i}";
            lines.Append(TranscriptLines.User(session, user, parent, 10 * i, i == 0 ? prompt : $"and then step {i}", cwd)).Append('\n');
            parent = $"{session}-a{i}";
            lines.Append(TranscriptLines.AssistantText(session, parent, user, 10 * i + 1, $"Done with step {i}.", cwd)).Append('\n');
        }
        return lines.ToString();
    }

    /// <summary>How often the host was asked what a session's files are, by its own request counter (<c>/metrics</c>).</summary>
    private static async Task<double> FilesAskedAsync(HostProcess host)
    {
        var metrics = await host.Http.GetStringAsync("/metrics", Cancel);
        return System.Text.RegularExpressions.Regex.Matches(metrics,
                @"^http_request_duration_seconds_count\{[^}]*endpoint=""/api/sessions/\{sessionId\}/files""[^}]*\} (\d+)", System.Text.RegularExpressions.RegexOptions.Multiline)
            .Sum(m => double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
    }
}
