using System.Net;
using SessionManagement.Testing;

namespace SessionManagement.Web.Tests;

/// <summary>A page whose own content comes from a module that fails on the question is a page saying so, not the API's JSON.</summary>
public sealed class ModuleFailurePageTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task When_the_chat_module_fails_on_a_sessions_messages_Should_answer_a_page_naming_it()
    {
        var host = HostProcess.Start(new Dictionary<string, string> { ["SM_Gateway__QueryTimeoutMs"] = "600000" });
        try
        {
            await host.WaitForAsync("/readyz", HttpStatusCode.OK, Within);
            var session = $"chat-fails-{Guid.NewGuid():N}"[..24];
            await host.PostHookAsync($$"""{"session_id":"{{session}}","hook_event_name":"UserPromptSubmit","cwd":"/work/chat","prompt":"hello"}""", Cancel);
            await Eventually.ReturnsAsync(() => host.Http.GetAsync($"/api/sessions/{session}/messages", Cancel), r => r.StatusCode == HttpStatusCode.OK,
                Within, "the session's message held");
            // The saver holds the session too before the host is killed: a hook it had not stored yet is handed to it again only after
            // the restart, and the page of a session the saver does not know is a 404, whatever chat does.
            await Eventually.ReturnsAsync(() => host.Http.GetAsync($"/api/sessions/{session}", Cancel), r => r.StatusCode == HttpStatusCode.OK,
                Within, "the session held by the saver");
            // Chat's per-session counts taken from under it: its answer for a session's messages now fails in its store.
            host = await host.AgainWithStoreChangedAsync("DROP TABLE chat_sessions;");
            await host.WaitForAsync("/readyz", HttpStatusCode.OK, Within);
            using var patience = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
            patience.CancelAfter(Within);

            using var page = await host.Http.GetAsync($"/sessions/{session}", patience.Token);
            using var api = await host.Http.GetAsync($"/api/sessions/{session}/messages", patience.Token);

            var html = await page.Content.ReadAsStringAsync(Cancel);
            Assert.Equal((HttpStatusCode.BadGateway, "text/html"), (page.StatusCode, page.Content.Headers.ContentType?.MediaType));
            Assert.Contains("The chat module failed on GetMessages: ", html, StringComparison.Ordinal);
            Assert.Contains("<a href=\"/\">All sessions</a>", html, StringComparison.Ordinal);
            // The API tells the same in JSON, as before.
            Assert.Equal((HttpStatusCode.BadGateway, "application/json"), (api.StatusCode, api.Content.Headers.ContentType?.MediaType));
            Assert.Contains("the chat module failed on GetMessages: ", await api.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }
}
