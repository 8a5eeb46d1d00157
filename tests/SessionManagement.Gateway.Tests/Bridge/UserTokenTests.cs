using System.Net;
using System.Text.Json;
using SessionManagement.Testing;

namespace SessionManagement.Gateway.Tests.Bridge;

/// <summary>
/// Tokens of one's own, each with a role: a capture token sends hooks and reads nothing, a reader sees their own sessions and their
/// teams' context and nothing else, an admin sees everything. Whose a hook is comes from the token, not from what the hook says.
/// </summary>
public sealed class UserTokenTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private const string Ana = "ana-token-0123456789", Ben = "ben-token-0123456789", Cara = "cara-token-0123456789", Root = "root-token-0123456789";

    [Fact]
    public async Task When_users_have_tokens_with_roles_Should_let_each_do_and_see_only_what_their_role_and_their_sessions_allow()
    {
        await using var host = HostProcess.Start(new Dictionary<string, string>
        {
            ["SM_Gateway__Users__0__Name"] = "ana", ["SM_Gateway__Users__0__Token"] = Ana, ["SM_Gateway__Users__0__Role"] = "read", ["SM_Gateway__Users__0__Teams__0"] = "core",
            ["SM_Gateway__Users__1__Name"] = "ben", ["SM_Gateway__Users__1__Token"] = Ben, ["SM_Gateway__Users__1__Role"] = "read",
            ["SM_Gateway__Users__2__Name"] = "cara", ["SM_Gateway__Users__2__Token"] = Cara, ["SM_Gateway__Users__2__Role"] = "capture",
            ["SM_Gateway__Users__3__Name"] = "root", ["SM_Gateway__Users__3__Token"] = Root, ["SM_Gateway__Users__3__Role"] = "admin",
        });
        await host.WaitForAsync("/healthz", HttpStatusCode.OK, Within);
        var (anas, bens, caras) = ("ana-" + Guid.NewGuid().ToString("N")[..8], "ben-" + Guid.NewGuid().ToString("N")[..8], "cara-" + Guid.NewGuid().ToString("N")[..8]);
        foreach (var (token, session) in new[] { (Ana, anas), (Ben, bens), (Cara, caras) })
        {
            // The hook claims to be mallory's: the token decides.
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(host, HttpMethod.Post, "/hooks", token,
                $$"""{"session_id":"{{session}}","hook_event_name":"UserPromptSubmit","cwd":"/work/shared","prompt":"the quarterly numbers for {{session}}"}"""));
        }
        // Ana imports an old transcript of hers that no hook reached: it is hers too.
        var old = "ana-old-" + Guid.NewGuid().ToString("N")[..8];
        var transcript = TranscriptLines.User(old, "u-1", null, 0, "the quarterly numbers, last year's", "/work/shared") + "\n";
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(host, HttpMethod.Post, $"/api/sessions/import?session={old}&name={old}.jsonl", Ana, transcript));
        await Eventually.ReturnsAsync(() => GetAsync(host, "/api/search?q=quarterly", Root),
            found => found.GetProperty("hits").GetArrayLength() == 4, Within, "four prompts searchable");
        await Eventually.ReturnsAsync(() => GetAsync(host, "/api/sessions", Root),
            list => list.GetProperty("sessions").GetArrayLength() == 4, Within, "the imported session kept");
        var database = Path.Combine(host.DataDirectory, "session-management.db");

        var anaList = await GetAsync(host, "/api/sessions", Ana);
        var anaSearch = await GetAsync(host, "/api/search?q=quarterly", Ana);

        Assert.Equal("ana", SqliteFile.Scalar(database, "SELECT user_name FROM saver_events WHERE session_id = $s", ("$s", anas)));
        Assert.Equal(new[] { anas, old }.Order(), anaList.GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("sessionId").GetString()).Order());
        Assert.Equal(new[] { anas, old }.Order(), anaSearch.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("sessionId").GetString()).Order());
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(host, HttpMethod.Get, $"/api/sessions/{old}", Ben));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(host, HttpMethod.Get, $"/api/sessions/{anas}", Ana));
        foreach (var path in new[] { $"/api/sessions/{bens}", $"/api/sessions/{bens}/messages", $"/api/sessions/{bens}/export?format=jsonl", $"/api/status/sessions/{bens}" })
            Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(host, HttpMethod.Get, path, Ana)); // as if it did not exist
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(host, HttpMethod.Get, "/api/context?team=core", Ana));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(host, HttpMethod.Get, "/api/context?team=ops", Ana));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(host, HttpMethod.Get, "/api/context?user=ben", Ana));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(host, HttpMethod.Get, $"/api/context?session={anas}&project=/work/shared", Ana));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(host, HttpMethod.Get, $"/api/context?session={anas}&project=/work/shared/", Ana)); // as a shell completes it
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(host, HttpMethod.Get, $"/api/context?session={anas}&project=/work/elsewhere", Ana));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(host, HttpMethod.Get, $"/api/context?session={bens}", Ana));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(host, HttpMethod.Get, "/api/audit", Ana));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(host, HttpMethod.Delete, $"/api/sessions/{anas}", Ana)); // deleting takes admin, even her own
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(host, HttpMethod.Get, $"/api/sessions/{anas}", Ana));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(host, HttpMethod.Post, $"/api/sessions/import?session={old}&undelete=true", Ana, transcript)); // nor undelete
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(host, HttpMethod.Get, "/api/sessions", Cara));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(host, HttpMethod.Get, "/api/sessions", "ana-token-guessed-wrong"));
        var all = await GetAsync(host, "/api/sessions", Root);
        Assert.Equal(4, all.GetProperty("sessions").GetArrayLength());
        await Eventually.ReturnsAsync(() => GetAsync(host, "/api/audit?action=access-refused", Root),
            audit => audit.GetProperty("entries").GetArrayLength() == 7, Within, "the seven refusals recorded");
        var refused = (await GetAsync(host, "/api/audit?action=access-refused", Root)).GetProperty("entries").EnumerateArray()
            .Select(e => e.GetProperty("actor").GetString()).Order();
        Assert.Equal(["ana", "ana", "ana", "ana", "ana", "ana", "cara"], refused);
        // Each user's token use is recorded once, however many requests it made.
        var used = (await GetAsync(host, "/api/audit?action=token-used", Root)).GetProperty("entries").EnumerateArray()
            .Select(e => e.GetProperty("actor").GetString()).Order();
        Assert.Equal(["ana", "ben", "cara", "root"], used);
    }

    [Fact]
    public async Task When_other_users_sessions_match_better_Should_still_give_a_reader_every_hit_of_their_own()
    {
        await using var host = HostProcess.Start(GatewayUsers.Settings(("ana", Ana, "read"), ("ben", Ben, "read"), ("root", Root, "admin")));
        await host.WaitForAsync("/healthz", HttpStatusCode.OK, Within);
        var (anas, bens) = ("ana-" + Guid.NewGuid().ToString("N")[..8], "ben-" + Guid.NewGuid().ToString("N")[..8]);
        // Ben's 30 prompts say "budget" over and over: each ranks above Ana's one mention.
        var bensLines = string.Concat(Enumerable.Range(0, 30).Select(i =>
            TranscriptLines.User(bens, $"b-{i}", i == 0 ? null : $"b-{i - 1}", i, $"budget budget budget, draft {i}", "/work/shared") + "\n"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(host, HttpMethod.Post, $"/api/sessions/import?session={bens}&name={bens}.jsonl", Ben, bensLines));
        var anasLines = TranscriptLines.User(anas, "a-0", null, 0, "the plan for the offsite, the venue, the travel, and the budget", "/work/shared") + "\n";
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(host, HttpMethod.Post, $"/api/sessions/import?session={anas}&name={anas}.jsonl", Ana, anasLines));
        await Eventually.ReturnsAsync(() => GetAsync(host, "/api/search?q=budget&limit=50", Root),
            found => found.GetProperty("hits").GetArrayLength() == 31, Within, "the 31 prompts searchable");
        // Whose each imported session is, the saver keeps a batch's moment after the import's answer.
        await Eventually.ReturnsAsync(() => GetAsync(host, $"/api/sessions/{anas}", Ana), _ => true, Within, "Ana's session hers");

        var top = await GetAsync(host, "/api/search?q=budget&limit=5", Root);
        var anaFinds = await GetAsync(host, "/api/search?q=budget&limit=5", Ana);
        var benFinds = await GetAsync(host, "/api/search?q=budget&limit=50", Ben);

        Assert.All(top.GetProperty("hits").EnumerateArray(), h => Assert.Equal(bens, h.GetProperty("sessionId").GetString())); // Ben's crowd the top five
        Assert.Equal([anas], anaFinds.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("sessionId").GetString()));
        Assert.Equal(30, benFinds.GetProperty("hits").GetArrayLength());
        Assert.All(benFinds.GetProperty("hits").EnumerateArray(), h => Assert.Equal(bens, h.GetProperty("sessionId").GetString()));
    }

    [Fact]
    public async Task When_a_users_token_is_too_short_Should_refuse_to_start_naming_it()
    {
        await using var host = HostProcess.Start(new Dictionary<string, string>
        {
            ["SM_Gateway__Users__0__Name"] = "ana", ["SM_Gateway__Users__0__Token"] = "short", ["SM_Gateway__Users__0__Role"] = "reader",
        });

        Assert.Equal(2, await host.WaitForExitAsync(Within));
        Assert.Contains("Gateway:Users:0:Token: at least 16 characters", host.Output, StringComparison.Ordinal);
        Assert.Contains("Gateway:Users:0:Role: capture, read or admin (got 'reader')", host.Output, StringComparison.Ordinal);
    }

    /// <summary>What a request answers; each claims to come from mallory, whoever's token it carries.</summary>
    private static async Task<HttpStatusCode> StatusAsync(HostProcess host, HttpMethod method, string path, string token, string? body = null)
    {
        using var response = await host.SendAsync(method, path, token, Cancel, body, user: "mallory");
        return response.StatusCode;
    }

    private static async Task<JsonElement> GetAsync(HostProcess host, string path, string token)
    {
        using var response = await host.SendAsync(HttpMethod.Get, path, token, Cancel);
        var text = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
