using System.Net;
using System.Text.Json;
using SessionManagement.Testing;

namespace SessionManagement.Cli.Tests;

/// <summary>A session named by the beginning of its id, as git takes a commit's: the one it begins, or an error naming them all.</summary>
public sealed class SessionIdPrefixTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task When_a_session_is_named_by_the_beginning_of_its_id_Should_find_the_one_it_begins_or_name_every_one()
    {
        await using var host = HostProcess.Start();
        await host.WaitForAsync("/readyz", HttpStatusCode.OK, Within);
        var run = Guid.NewGuid().ToString("N")[..6];
        string[] sessions = [$"{run}a1-5f0e-4c", $"{run}a2-77d1-9b", $"{run}b7-0c3a-2e"];
        foreach (var session in sessions)
            await host.PostHookAsync($$"""{"session_id":"{{session}}","hook_event_name":"SessionStart","source":"startup","cwd":"/work/prefix"}""", Cancel);
        await Eventually.ReturnsAsync(() => host.Http.GetStringAsync("/api/sessions?limit=500", Cancel),
            list => sessions.All(s => list.Contains(s, StringComparison.Ordinal)), Within, "the three sessions kept");
        var smctl = new Dictionary<string, string> { ["SM_GATEWAY_URL"] = host.BaseAddress.ToString() };

        var one = await SmctlProcess.RunAsync(smctl, "sessions", "show", $"{run}b", "--json");
        var used = await SmctlProcess.RunAsync(smctl, "use", $"{run}a2", "--json");
        var several = await SmctlProcess.RunAsync(smctl, "sessions", "show", $"{run}a");
        var none = await SmctlProcess.RunAsync(smctl, "sessions", "show", $"{run}c");
        using var refused = await host.Http.GetAsync("/api/sessions?idPrefix=..%2Fetc", Cancel);

        Assert.True(one.ExitCode == 0, one.Stderr);
        Assert.Equal(sessions[2], JsonDocument.Parse(one.Stdout).RootElement.GetProperty("session").GetProperty("sessionId").GetString());
        Assert.True(used.ExitCode == 0, used.Stderr);
        Assert.Equal(sessions[1], JsonDocument.Parse(used.Stdout).RootElement.GetProperty("sessionId").GetString());
        Assert.Equal(2, several.ExitCode);
        Assert.Contains(sessions[0], several.Stderr, StringComparison.Ordinal);
        Assert.Contains(sessions[1], several.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(sessions[2], several.Stderr, StringComparison.Ordinal);
        Assert.Equal(4, none.ExitCode);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("idPrefix", await refused.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
    }
}
