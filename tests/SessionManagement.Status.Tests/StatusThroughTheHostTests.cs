using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SessionManagement.Testing;

namespace SessionManagement.Status.Tests;

public sealed class StatusThroughTheHostTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task When_a_session_is_saved_and_backed_up_Should_show_it_in_the_status_row_and_the_status_api()
    {
        await using var host = HostProcess.Start();
        await host.WaitForAsync("/readyz", HttpStatusCode.OK, TimeSpan.FromSeconds(60));
        var session = "row-" + Guid.NewGuid().ToString("N")[..8];
        foreach (var hook in new[] { "SessionStart", "UserPromptSubmit", "PreToolUse" })
        {
            using var posted = await host.Http.PostAsync("/hooks", new StringContent(
                $$"""{"session_id":"{{session}}","hook_event_name":"{{hook}}","cwd":"/work/row","source":"startup"}""", Encoding.UTF8, "application/json"), Cancel);
            posted.EnsureSuccessStatusCode();
        }
        async Task<JsonElement> StatusAsync()
        {
            using var response = await host.Http.GetAsync($"/api/status/sessions/{session}", Cancel);
            return response.IsSuccessStatusCode ? JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel)).RootElement.Clone() : default;
        }
        // A hook is answered once it is kept, before it is saved: a backup asked for sooner may find nothing yet to back up.
        await Eventually.ReturnsAsync(StatusAsync, s => s.ValueKind == JsonValueKind.Object && s.GetProperty("lastSavedAt").ValueKind == JsonValueKind.String,
            TimeSpan.FromSeconds(30), "the session saved");
        using (var run = await host.Http.PostAsync("/api/backups/run", null, Cancel))
            run.EnsureSuccessStatusCode();
        var status = await Eventually.ReturnsAsync(StatusAsync,
            s => s.ValueKind == JsonValueKind.Object && s.GetProperty("toolCalls").GetInt64() == 1 && s.GetProperty("lastBackupAt").ValueKind == JsonValueKind.String,
            TimeSpan.FromSeconds(30), "the live status with the backup");

        var input = JsonSerializer.Serialize(new { session_id = session, model = new { display_name = "Opus" }, workspace = new { project_dir = "/work/row" } });
        using var row = await host.Http.PostAsync("/statusline?colour=0", new StringContent(input, Encoding.UTF8, "application/json"), Cancel);
        var text = await row.Content.ReadAsStringAsync(Cancel);
        var overview = await host.Http.GetFromJsonAsync<JsonElement>("/api/status", Cancel);

        Assert.Equal(("active", 1L), (status.GetProperty("state").GetString(), status.GetProperty("prompts").GetInt64()));
        Assert.True(status.GetProperty("durationSeconds").GetDouble() >= 0);
        Assert.StartsWith("Opus │ row │ ● 3 captured │ saved ", text);
        Assert.Contains("│ backup ", text);
        Assert.Equal("Healthy", overview.GetProperty("modules").GetProperty("status").GetProperty("status").GetString());
        Assert.Equal("Healthy", overview.GetProperty("status").GetString());
    }

    [Fact]
    public async Task When_a_session_goes_on_after_the_host_restarted_Should_count_its_hooks_of_both_runs_in_the_status_row()
    {
        var first = HostProcess.Start();
        await first.WaitForAsync("/readyz", HttpStatusCode.OK, TimeSpan.FromSeconds(60));
        var session = "restarted-" + Guid.NewGuid().ToString("N")[..8];
        Task PostAsync(HostProcess host, string hook) => host.PostHookAsync(
            $$"""{"session_id":"{{session}}","hook_event_name":"{{hook}}","cwd":"/work/row","source":"startup","prompt":"go on"}""", Cancel);
        foreach (var hook in new[] { "SessionStart", "UserPromptSubmit", "PreToolUse" })
            await PostAsync(first, hook);
        await Eventually.ReturnsAsync(() => first.Http.GetFromJsonAsync<JsonElement>($"/api/sessions/{session}", Cancel),
            s => s.GetProperty("eventCount").GetInt64() == 3, TimeSpan.FromSeconds(30), "the first run's hooks saved");
        first.Signal(HostProcess.SigTerm);
        await first.WaitForExitAsync(TimeSpan.FromSeconds(30));
        await using var second = first.StartAgain();
        await second.WaitForAsync("/readyz", HttpStatusCode.OK, TimeSpan.FromSeconds(60));

        await PostAsync(second, "UserPromptSubmit");
        var input = JsonSerializer.Serialize(new { session_id = session, model = new { display_name = "Opus" }, workspace = new { project_dir = "/work/row" } });
        var row = await Eventually.ReturnsAsync(async () =>
        {
            using var response = await second.Http.PostAsync("/statusline?colour=0", new StringContent(input, Encoding.UTF8, "application/json"), Cancel);
            return await response.Content.ReadAsStringAsync(Cancel);
        }, text => text.Contains("│ saved ", StringComparison.Ordinal) && !text.Contains("● 3 captured", StringComparison.Ordinal), TimeSpan.FromSeconds(30),
            "the second run's hook saved");

        Assert.StartsWith("Opus │ row │ ● 4 captured │ saved ", row); // the 4 hooks this test sent; the second run alone saw 1
    }

    [Fact]
    public async Task When_a_transcript_is_imported_Should_show_its_token_usage_in_the_status()
    {
        // Chat announces each record's usage once (ChatIngestConsumerTests); this is the way from chat's store to the status.
        await using var host = HostProcess.Start();
        await host.WaitForAsync("/readyz", HttpStatusCode.OK, TimeSpan.FromSeconds(60));
        var session = "tokens-" + Guid.NewGuid().ToString("N")[..8];
        var transcript = string.Join("\n",
            TranscriptLines.User(session, "u1", null, 1, "count my tokens"),
            TranscriptLines.AssistantText(session, "a1", "u1", 2, "counted"), // 12 in, 34 out, 5 cache creation, 6 cache read
            TranscriptLines.AssistantText(session, "a2", "a1", 3, "again")) + "\n";

        using var imported = await host.Http.PostAsync($"/api/sessions/import?session={session}&name=t.jsonl",
            new StringContent(transcript, Encoding.UTF8, "application/x-ndjson"), Cancel);
        imported.EnsureSuccessStatusCode();
        var status = await Eventually.ReturnsAsync(async () =>
            {
                using var response = await host.Http.GetAsync($"/api/status/sessions/{session}", Cancel);
                return response.IsSuccessStatusCode ? JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel)).RootElement.Clone() : default;
            },
            s => s.ValueKind == JsonValueKind.Object && s.GetProperty("outputTokens").GetInt64() >= 2 * 34, TimeSpan.FromSeconds(30),
            "the session's token usage, both replies'"); // each reply's usage is its own report, and two reports may land in two batches

        Assert.Equal((2 * (12L + 5 + 6), 2 * 34L), (status.GetProperty("inputTokens").GetInt64(), status.GetProperty("outputTokens").GetInt64()));
        Assert.True(status.GetProperty("costUsd").GetDecimal() > 0);
    }

    [Fact]
    public async Task When_the_gateway_runs_without_a_status_module_Should_still_draw_the_row()
    {
        await using var host = HostProcess.Start(null, "--target=gateway");
        await host.WaitForAsync("/readyz", HttpStatusCode.OK, TimeSpan.FromSeconds(60));

        using var row = await host.Http.PostAsync("/statusline?colour=0", new StringContent("""{"session_id":"nobody","model":{"display_name":"Opus"}}""",
            Encoding.UTF8, "application/json"), Cancel);

        Assert.Equal("Opus │ ● 0 captured", await row.Content.ReadAsStringAsync(Cancel));
    }
}
