using System.Net;
using System.Text;
using System.Text.Json;
using SessionManagement.Testing;

namespace SessionManagement.Cli.Tests;

/// <summary>smctl use: a chosen session is what the project's next SessionStart continues from, once; then the usual order again.</summary>
public sealed class UseTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task When_an_older_session_is_used_Should_be_handed_to_the_projects_next_start_and_then_give_way_to_the_newer_ones()
    {
        await using var host = HostProcess.Start();
        await host.WaitForAsync("/readyz", HttpStatusCode.OK, Within);
        var project = "/work/use-" + Guid.NewGuid().ToString("N")[..8];
        string Id(string name) => $"use-{name}-{Guid.NewGuid().ToString("N")[..8]}";
        var (older, newer) = (Id("older"), Id("newer"));
        foreach (var (session, prompt) in new[] { (older, "alpha: migrate the billing tables"), (newer, "beta: write the release notes") })
        {
            await PostAsync(host, session, "SessionStart", ",\"source\":\"startup\"", project);
            await PostAsync(host, session, "UserPromptSubmit", $",\"prompt\":\"{prompt}\"", project);
            await PostAsync(host, session, "Stop", ",\"last_assistant_message\":\"Done.\"", project);
            await PostAsync(host, session, "SessionEnd", ",\"reason\":\"exit\"", project);
            await Eventually.ReturnsAsync(() => host.Http.GetStringAsync($"/api/sessions?project={Uri.EscapeDataString(project)}", Cancel),
                text => text.Contains(session, StringComparison.Ordinal) && !text.Contains("\"Active\"", StringComparison.Ordinal), Within, $"{session} kept and ended");
        }
        var smctl = new Dictionary<string, string> { ["SM_GATEWAY_URL"] = host.BaseAddress.ToString() };

        var before = await StartAsync(host, Id("before"), project);
        var used = await SmctlProcess.RunAsync(smctl, "use", older, "--json");
        var next = await StartAsync(host, Id("next"), project);
        await Eventually.ReturnsAsync(() => host.Http.GetStringAsync($"/api/sessions?project={Uri.EscapeDataString(project)}", Cancel),
            text => text.Split("\"sessionId\"").Length - 1 == 4, Within, "the next session kept");
        var after = await StartAsync(host, Id("after"), project);
        var missing = await SmctlProcess.RunAsync(smctl, "use", "no-such-session");

        Assert.Contains($"Session {newer}", before, StringComparison.Ordinal);
        Assert.True(used.ExitCode == 0, used.Stderr);
        Assert.Equal(project, JsonDocument.Parse(used.Stdout).RootElement.GetProperty("projectDir").GetString());
        Assert.Contains($"Session {older}", next, StringComparison.Ordinal);
        Assert.Contains("alpha: migrate the billing tables", next, StringComparison.Ordinal);
        Assert.DoesNotContain(newer, next, StringComparison.Ordinal);
        Assert.DoesNotContain($"Session {older}", after, StringComparison.Ordinal); // a session started since: the choice is spent
        Assert.Equal(4, missing.ExitCode);
    }

    private static Task PostAsync(HostProcess host, string session, string name, string fields, string project) =>
        host.PostHookAsync($$"""{"session_id":"{{session}}","hook_event_name":"{{name}}","cwd":"{{project}}"{{fields}}}""", Cancel);

    /// <summary>A new session's SessionStart, as Claude Code sends it on startup; the context the gateway hands back.</summary>
    private static async Task<string> StartAsync(HostProcess host, string session, string project)
    {
        var body = await host.PostHookAsync($$"""{"session_id":"{{session}}","hook_event_name":"SessionStart","source":"startup","cwd":"{{project}}"}""", Cancel);
        return JsonDocument.Parse(body).RootElement.TryGetProperty("hookSpecificOutput", out var output)
            ? output.GetProperty("additionalContext").GetString() ?? "" : "";
    }
}
