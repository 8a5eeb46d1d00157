using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SessionManagement.Testing;

namespace SessionManagement.Loader.Tests;

/// <summary>An embedded host and the hooks a test sends it, as Claude Code would.</summary>
internal sealed class StartingHost(HostProcess host) : IAsyncDisposable
{
    public HostProcess Host { get; } = host;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static async Task<StartingHost> StartAsync(IReadOnlyDictionary<string, string>? environment = null, params string[] args)
    {
        var settings = new Dictionary<string, string> { ["SM_session_management__performance__load_deadline_ms"] = "3000" };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            settings[key] = value;
        var host = HostProcess.Start(settings, args);
        await host.WaitForAsync("/readyz", HttpStatusCode.OK, TimeSpan.FromSeconds(60));
        return new StartingHost(host);
    }

    public async Task<string> HookAsync(string sessionId, string eventName, string project, string extra = "")
    {
        var json = $$"""{"session_id":"{{sessionId}}","hook_event_name":"{{eventName}}","cwd":"{{project}}"{{extra}}}""";
        using var response = await Host.Http.PostAsync("/hooks", new StringContent(json, Encoding.UTF8, "application/json"), Cancel);
        var body = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.IsSuccessStatusCode, body);
        return body;
    }

    /// <summary>The additionalContext Claude Code would get for this SessionStart.</summary>
    public async Task<string> StartAsync(string sessionId, string source, string project)
    {
        var output = await HookAsync(sessionId, "SessionStart", project, $",\"source\":\"{source}\"");
        using var document = JsonDocument.Parse(output);
        return document.RootElement.TryGetProperty("hookSpecificOutput", out var hook) ? hook.GetProperty("additionalContext").GetString()! : "";
    }

    /// <summary>A finished session: two prompts (the second unanswered), a reply, a compaction with instructions and a summary.</summary>
    public async Task WorkedSessionAsync(string sessionId, string project, bool end = true)
    {
        await HookAsync(sessionId, "SessionStart", project, ",\"source\":\"startup\"");
        await HookAsync(sessionId, "UserPromptSubmit", project, ",\"prompt\":\"make the parser handle unicode\"");
        await HookAsync(sessionId, "Stop", project, ",\"last_assistant_message\":\"Done: the parser handles unicode now.\"");
        await HookAsync(sessionId, "UserPromptSubmit", project, ",\"prompt\":\"now add tests for emoji\"");
        await HookAsync(sessionId, "PreCompact", project, ",\"trigger\":\"manual\",\"custom_instructions\":\"keep the list of failing tests\"");
        await HookAsync(sessionId, "PostCompact", project, ",\"trigger\":\"manual\",\"compact_summary\":\"We fixed unicode parsing and began emoji tests.\"");
        if (end)
            await HookAsync(sessionId, "SessionEnd", project, ",\"reason\":\"other\"");
        await Eventually.ReturnsAsync(async () => await Host.Http.GetFromJsonAsync<JsonElement>($"/api/context?session={sessionId}", Cancel),
            found => found.GetProperty("items").GetArrayLength() == 2, TimeSpan.FromSeconds(30), "the compaction context stored");
        await Eventually.ReturnsAsync(async () => await Host.Http.GetFromJsonAsync<JsonElement>($"/api/sessions/{sessionId}/messages", Cancel),
            page => page.GetProperty("total").GetInt64() == 3, TimeSpan.FromSeconds(30), "the prompts and reply stored");
        await Eventually.ReturnsAsync(async () => await Host.Http.GetFromJsonAsync<JsonElement>($"/api/sessions/{sessionId}", Cancel),
            state => state.GetProperty("eventCount").GetInt64() == (end ? 7 : 6), TimeSpan.FromSeconds(30), "every hook saved");
    }

    public async Task<JsonElement> SaveContextAsync(object item)
    {
        using var response = await Host.Http.PostAsJsonAsync("/api/context", item, Cancel);
        var body = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}
