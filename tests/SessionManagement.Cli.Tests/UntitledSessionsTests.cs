using System.Net;
using SessionManagement.Testing;

namespace SessionManagement.Cli.Tests;

/// <summary>
/// A session Claude Code opened and closed again before any prompt has no title: the lists say "no prompt" (the web list with the
/// beginning of its id, the whole id on hover) instead of a bare id or an empty cell, and a session with a prompt keeps its own.
/// </summary>
public sealed class UntitledSessionsTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task When_a_session_holds_no_prompt_Should_say_so_in_smctl_and_the_web_list()
    {
        await using var host = HostProcess.Start();
        await host.WaitForAsync("/readyz", HttpStatusCode.OK, TimeSpan.FromSeconds(60));
        var (empty, worked) = (Guid.NewGuid().ToString(), Guid.NewGuid().ToString());
        var project = "/work/untitled-" + Guid.NewGuid().ToString("N")[..6];
        foreach (var json in new[]
        {
            $$"""{"session_id":"{{worked}}","hook_event_name":"SessionStart","source":"startup","cwd":"{{project}}"}""",
            $$"""{"session_id":"{{worked}}","hook_event_name":"UserPromptSubmit","prompt":"fix the flaky test","cwd":"{{project}}"}""",
            $$"""{"session_id":"{{empty}}","hook_event_name":"SessionStart","source":"startup","cwd":"{{project}}"}""",
            $$"""{"session_id":"{{empty}}","hook_event_name":"SessionEnd","reason":"prompt_input_exit","cwd":"{{project}}"}""",
        })
            await host.PostHookAsync(json, Cancel);
        var smctl = new Dictionary<string, string> { ["SM_GATEWAY_URL"] = host.BaseAddress.ToString(), ["COLUMNS"] = "250" };

        var listed = await Eventually.ReturnsAsync(() => SmctlProcess.RunAsync(smctl, "sessions", "list", "--project", project),
            r => r.Stdout.Contains(empty, StringComparison.Ordinal) && r.Stdout.Contains(worked, StringComparison.Ordinal), TimeSpan.FromSeconds(30), "both sessions listed");
        var page = WebUtility.HtmlDecode(await host.Http.GetStringAsync("/?project=" + Uri.EscapeDataString(project), Cancel));

        var rows = listed.Stdout.Split('\n');
        Assert.Contains("(no prompt)", rows.Single(r => r.Contains(empty, StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains("fix the flaky test", rows.Single(r => r.Contains(worked, StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains($"""<td class="title untitled"><a href="/sessions/{empty}" title="{empty}">no prompt · {empty[..8]}</a></td>""", page, StringComparison.Ordinal);
        Assert.Contains($"""<td class="title"><a href="/sessions/{worked}" title="fix the flaky test">fix the flaky test</a></td>""", page, StringComparison.Ordinal);
    }
}
