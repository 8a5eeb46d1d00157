using System.Net;
using SessionManagement.Testing;

namespace SessionManagement.Web.Tests;

/// <summary>
/// The pages that draw what the status module knows beside what they show (the list's tokens, the health page's backups, the status
/// line) when the status module fails on every question: each is drawn without it, as when status does not answer.
/// </summary>
public sealed class StatusFailureTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task When_the_status_module_fails_on_every_question_Should_still_serve_the_list_the_health_page_and_the_status_line()
    {
        // The gateway waits for an answer far longer than this test does: only a failure carried back at once lets a page answer.
        var host = HostProcess.Start(new Dictionary<string, string> { ["SM_Gateway__QueryTimeoutMs"] = "600000" });
        try
        {
            await host.WaitForAsync("/readyz", HttpStatusCode.OK, Within);
            var session = $"status-fails-{Guid.NewGuid():N}"[..24];
            await host.PostHookAsync($$"""{"session_id":"{{session}}","hook_event_name":"UserPromptSubmit","cwd":"/work/status","prompt":"hello"}""", Cancel);
            await Eventually.ReturnsAsync(() => host.Http.GetAsync($"/api/sessions/{session}", Cancel), r => r.StatusCode == HttpStatusCode.OK, Within,
                "the session held");
            // The status module's tables taken from under it: every question it is asked now fails in its store.
            host = await host.AgainWithStoreChangedAsync("DROP TABLE status_sessions; DROP TABLE status_backup_runs; DROP TABLE status_rollups;");
            await host.WaitForAsync("/readyz", HttpStatusCode.OK, Within);
            using var patience = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
            patience.CancelAfter(Within);

            using var list = await host.Http.GetAsync("/", patience.Token);
            using var health = await host.Http.GetAsync("/health", patience.Token);
            using var row = await host.Http.PostAsync("/statusline", new StringContent($$$"""{"session_id":"{{{session}}}","model":{"display_name":"Opus"}}"""),
                patience.Token);

            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
            Assert.Contains(session, await list.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Equal(HttpStatusCode.OK, row.StatusCode);
            Assert.Contains("Opus", await row.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
            Assert.Contains("GetSessionStatus", host.Output, StringComparison.Ordinal); // the status module did fail on the questions
        }
        finally
        {
            await host.DisposeAsync();
        }
    }
}
