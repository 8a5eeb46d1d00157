using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SessionManagement.Testing;

namespace SessionManagement.Faults.Tests;

/// <summary>
/// Hooks the saver refused stay in the accepted-events log, and the next start hands them to every module again, the status module
/// too, which had counted them: the prompts and tool calls of the status and the reports are still those sent, each once.
/// </summary>
public sealed class RedeliveredHookCountTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task When_hooks_are_handed_over_again_after_a_restart_Should_count_each_once_in_the_status_and_the_reports()
    {
        var first = HostProcess.Start();
        await first.WaitForAsync("/readyz", HttpStatusCode.OK, Within);
        var store = Path.Combine(first.DataDirectory, "session-management.db");
        var (session, project) = ("recount-" + Guid.NewGuid().ToString("N")[..8], "/work/recount-" + Guid.NewGuid().ToString("N")[..8]);
        string[] sent = ["SessionStart", "UserPromptSubmit", "PreToolUse", "UserPromptSubmit", "PreToolUse", "UserPromptSubmit"];
        SqliteFile.Execute(store, "CREATE TRIGGER fault_refuse BEFORE INSERT ON saver_events BEGIN SELECT RAISE(ABORT, 'refused by the fault test'); END");
        foreach (var hook in sent)
            await first.PostHookAsync($$"""{"session_id":"{{session}}","hook_event_name":"{{hook}}","cwd":"{{project}}","prompt":"go"}""", Cancel);
        await Eventually.ReturnsAsync(() => StatusAsync(first, session), s => s?.GetProperty("prompts").GetInt64() == 3, Within, "the status counting the prompts");
        first.Signal(HostProcess.SigTerm);
        await first.WaitForExitAsync(Within);
        SqliteFile.Execute(store, "DROP TRIGGER fault_refuse");

        await using var second = first.StartAgain();
        await second.WaitForAsync("/readyz", HttpStatusCode.OK, Within);
        await Eventually.ReturnsAsync(() => second.Http.GetFromJsonAsync<JsonElement>($"/api/sessions/{session}", Cancel),
            s => s.GetProperty("eventCount").GetInt64() == sent.Length, Within, "every hook saved once the saver writes again");
        await Eventually.ReturnsAsync(() => Task.FromResult(SqliteFile.Count(Path.Combine(second.DataDirectory, "accepted-events.db"),
            "SELECT count(*) FROM accepted_events")), n => n == 0, Within, "the accepted-events log emptied: every module took the hooks again");
        var status = (await StatusAsync(second, session))!.Value;
        var report = await second.Http.GetFromJsonAsync<JsonElement>($"/api/reports/usage?granularity=day&groupBy=project", Cancel);
        var row = report.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("group").GetString() == project).GetProperty("metrics");

        Assert.Equal((3L, 2L), (status.GetProperty("prompts").GetInt64(), status.GetProperty("toolCalls").GetInt64())); // what the test sent
        Assert.Equal((3.0, 2.0), (row.GetProperty("prompts").GetDouble(), row.GetProperty("tool_calls").GetDouble()));
    }

    private static async Task<JsonElement?> StatusAsync(HostProcess host, string session)
    {
        using var response = await host.Http.GetAsync($"/api/status/sessions/{session}", Cancel);
        return response.IsSuccessStatusCode ? JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel)).RootElement.Clone() : null;
    }
}
