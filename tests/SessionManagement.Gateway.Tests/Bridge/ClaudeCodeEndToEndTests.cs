using System.Diagnostics;
using System.Text.Json;
using SessionManagement.Testing;

namespace SessionManagement.Gateway.Tests.Bridge;

/// <summary>
/// The real Claude Code CLI (from npm, not logged in) with our hooks installed by <c>sm-hook install</c>:
/// it fires SessionStart, UserPromptSubmit, StopFailure and SessionEnd and writes a real transcript.
/// </summary>
public sealed class ClaudeCodeEndToEndTests(InfrastructureFixture infrastructure)
{
    [Fact]
    public async Task When_claude_runs_a_prompt_with_our_hooks_Should_capture_its_events_and_ship_its_transcript()
    {
        var claude = ClaudeRun.Executable();
        await using var gateway = await GatewayUnderTest.StartAsync(infrastructure, new Dictionary<string, string> { ["SM_Gateway__TranscriptPollSeconds"] = "1" });
        var hookEnvironment = new Dictionary<string, string>
        {
            ["HOME"] = gateway.Host.Home,
            ["SM_GATEWAY_URL"] = gateway.Host.BaseAddress.ToString(),
            ["SM_SPOOL_DIR"] = Path.Combine(gateway.Host.DataDirectory, "spool"), // the spool the gateway drains, as installed beside it
            ["SM_CLAUDE"] = claude, // install asks it for its version: 2.1 runs the hooks whose answer nobody reads in the background
        };
        var install = await SmHookProcess.RunAsync("", hookEnvironment, "install", "--user");
        Assert.Equal(0, install.ExitCode);
        Assert.Contains("run in the background", install.Stdout, StringComparison.Ordinal);
        var project = Path.Combine(gateway.Host.Home, "work", "e2e-project");
        Directory.CreateDirectory(project);

        var run = await ClaudeRun.RunAsync(project, hookEnvironment, "-p", "say hello");

        List<SessionManagement.Contracts.Gateway.HookEventCaptured> captured;
        try
        {
            captured = await Eventually.ReturnsAsync(
                () => Task.FromResult(gateway.Observer.Observed.Hooks.Where(h => h.Cwd == project).ToList()),
                // Claude Code 2.1 runs these hooks in the background: StopFailure may come after SessionEnd.
                // A hook spooled on a loaded machine comes with the gateway's next drain of the spool.
                hooks => new[] { "SessionStart", "UserPromptSubmit", "StopFailure", "SessionEnd" }.All(name => hooks.Any(h => h.HookEventName == name)),
                TimeSpan.FromSeconds(60),
                $"Claude Code's hooks on the bus (claude exited {run.ExitCode}: {run.Output})");
        }
        catch (TimeoutException missing)
        {
            // Say where the missing hooks went: on the bus under another folder, left in sm-hook's spool, or never sent.
            var spool = hookEnvironment["SM_SPOOL_DIR"];
            var log = Path.Combine(gateway.Host.Home, "sm-hook.log");
            throw new TimeoutException(string.Join(Environment.NewLine,
                missing.Message,
                "hooks on the bus: " + string.Join(", ", gateway.Observer.Observed.Hooks.Select(h => $"{h.HookEventName} in {h.Cwd}")),
                "sm-hook's spool: " + (Directory.Exists(spool) ? string.Join(", ", Directory.GetFiles(spool).Select(Path.GetFileName)) : "none"),
                "sm-hook.log: " + (File.Exists(log) ? string.Join(Environment.NewLine, File.ReadLines(log).TakeLast(20)) : "none")), missing);
        }
        var events = captured.Select(h => h.HookEventName).ToList();
        Assert.Contains("SessionStart", events);
        Assert.Contains("UserPromptSubmit", events);
        Assert.Contains("StopFailure", events);
        Assert.Contains("SessionEnd", events);
        Assert.Single(captured.Select(h => h.SessionId).Distinct());
        Assert.Contains("say hello", captured.Single(h => h.HookEventName == "UserPromptSubmit").RawJson, StringComparison.Ordinal);

        var session = captured[0].SessionId;
        var transcriptPath = captured.First(h => h.TranscriptPath is not null).TranscriptPath!;
        var batches = await gateway.Observer.TranscriptAsync(session,
            lines => File.Exists(transcriptPath) && lines.Count == File.ReadAllLines(transcriptPath).Length, TimeSpan.FromSeconds(60));
        Assert.Equal(File.ReadAllLines(transcriptPath), batches.SelectMany(b => b.ReadLines()));
        Assert.Contains(batches.SelectMany(b => b.ReadLines()), line => line.Contains("\"type\":\"user\"", StringComparison.Ordinal) && line.Contains("say hello", StringComparison.Ordinal));
        // On a loaded machine a background hook can outwait its 800 ms and be spooled although the gateway took it (seen in CI): the
        // gateway's drain replays the spool, drops what it already has by event id, and leaves nothing behind.
        var drained = JsonDocument.Parse(await (await gateway.Host.Http.PostAsync("/api/spool/drain", null, TestContext.Current.CancellationToken)).Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal(0, drained.GetProperty("remaining").GetInt32());
        Assert.Equal(0, drained.GetProperty("published").GetInt32());
        Assert.Empty(Directory.Exists(hookEnvironment["SM_SPOOL_DIR"]) ? Directory.GetFiles(hookEnvironment["SM_SPOOL_DIR"]) : []);

        // The saver (part of --target=all) kept the session: every captured hook, and the session ended.
        var stored = await Eventually.ReturnsAsync(() => StoredSessionAsync(gateway.Host.DataDirectory, session),
            row => row is { Status: "Ended" } && row.Value.Events == gateway.Observer.Observed.Hooks.Count(h => h.Cwd == project),
            TimeSpan.FromSeconds(60), "the session stored by the saver, every hook seen on the bus");
        Assert.Equal(project, stored!.Value.ProjectDir);

        // Chat (also part of all) joined the prompt seen by its hook with the same prompt read from the transcript.
        var history = await Eventually.ReturnsAsync(async () => JsonDocument.Parse(await gateway.Host.Http.GetStringAsync($"/api/sessions/{session}/messages")).RootElement.Clone(),
            page => page.GetProperty("messages").EnumerateArray().Any(m => m.GetProperty("text").GetString() == "say hello"
                && m.GetProperty("sources").GetArrayLength() == 2),
            TimeSpan.FromSeconds(60), "the prompt in the chat history, seen by its hook and in the transcript");
        Assert.Single(history.GetProperty("messages").EnumerateArray(), m => m.GetProperty("role").GetString() == "user");
    }

    private static async Task<(string Status, long Events, string ProjectDir)?> StoredSessionAsync(string dataDirectory, string sessionId)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection(
            $"Data Source={Path.Combine(dataDirectory, "session-management.db")};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT status, event_count, project_dir FROM saver_sessions WHERE session_id = $id";
        command.Parameters.AddWithValue("$id", sessionId);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? (reader.GetString(0), reader.GetInt64(1), reader.GetString(2)) : null;
    }
}
