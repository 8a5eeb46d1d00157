using System.Net;
using SessionManagement.Testing;

namespace SessionManagement.Gateway.Tests.Bridge;

/// <summary>
/// Every listener guarded, however configured and whatever the host's targets: beyond loopback, a host without a token refuses to
/// start, and one with a token answers nothing but /healthz without it.
/// </summary>
public sealed class ListenerGuardTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static readonly TheoryData<string, string, string> Unguarded = new()
    {
        { "--target=all", "SM_Kestrel__Endpoints__lan__Url", "Kestrel:Endpoints:lan:Url" },
        { "--target=saver", "SM_Http__Urls", "Http:Urls" },
        { "--target=chat", "SM_Kestrel__Endpoints__lan__Url", "Kestrel:Endpoints:lan:Url" },
    };

    [Theory]
    [MemberData(nameof(Unguarded))]
    public async Task When_a_listener_beyond_loopback_has_no_token_Should_refuse_to_start_naming_the_setting(string target, string variable, string key)
    {
        await using var host = HostProcess.Start(new Dictionary<string, string> { [variable] = "http://0.0.0.0:{port}" }, target);

        Assert.Equal(2, await host.WaitForExitAsync(Within));
        Assert.Contains($"Gateway:BearerToken: required when the host listens beyond loopback ({key} = http://0.0.0.0:", host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_a_projects_own_settings_file_opens_a_listener_Should_refuse_to_start()
    {
        await using var first = HostProcess.Start();
        await first.WaitForAsync("/readyz", HttpStatusCode.OK, Within);
        first.Signal(HostProcess.SigTerm);
        await first.WaitForExitAsync(Within);
        Directory.CreateDirectory(Path.Combine(first.ProjectDirectory, ".claude"));
        File.WriteAllText(Path.Combine(first.ProjectDirectory, ".claude", "session-management.json"),
            $$"""{ "Kestrel": { "Endpoints": { "team": { "Url": "http://0.0.0.0:{{first.Port}}" } } } }""");

        await using var again = first.StartAgain();

        Assert.Equal(2, await again.WaitForExitAsync(Within));
        Assert.Contains($"Gateway:BearerToken: required when the host listens beyond loopback (Kestrel:Endpoints:team:Url = http://0.0.0.0:{first.Port})",
            again.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--target=all")]
    [InlineData("--target=saver")]
    public async Task When_a_token_guards_a_listener_beyond_loopback_Should_answer_only_healthz_without_it(string target)
    {
        await using var host = HostProcess.Start(new Dictionary<string, string>
        {
            ["SM_Http__Urls"] = "http://0.0.0.0:{port}",
            ["SM_Gateway__BearerToken"] = "team-s3cret",
        }, target);
        await host.WaitForAsync("/healthz", HttpStatusCode.OK, Within);

        foreach (var path in new[] { "/metrics", "/api/instances", "/readyz" })
        {
            using var anonymous = await host.Http.GetAsync(path, Cancel);
            using var wrong = await GetAsync(host, path, "not-it");
            using var right = await GetAsync(host, path, "team-s3cret");
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            Assert.NotEqual(HttpStatusCode.Unauthorized, right.StatusCode);
        }
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync("/healthz", Cancel)).StatusCode);
    }

    [Fact]
    public async Task When_a_browser_asks_a_guarded_listener_for_a_page_without_a_token_Should_send_it_to_sign_in_and_show_nothing_else()
    {
        await using var host = HostProcess.Start(new Dictionary<string, string>
        {
            ["SM_Http__Urls"] = "http://0.0.0.0:{port}",
            ["SM_Gateway__BearerToken"] = "team-s3cret",
        });
        await host.WaitForAsync("/healthz", HttpStatusCode.OK, Within);
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.BaseAddress };
        browser.DefaultRequestHeaders.Accept.ParseAdd("text/html");

        using var page = await browser.GetAsync("/sessions/any?skip=0", Cancel);
        using var api = await browser.GetAsync("/api/sessions", Cancel);
        using var signIn = await browser.GetAsync("/signin", Cancel);
        using var script = await browser.GetAsync("/assets/site.js", Cancel);
        using var notAnAsset = await browser.GetAsync("/assets/../api/sessions", Cancel);

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/signin?next=%2Fsessions%2Fany%3Fskip%3D0", page.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode); // the API answers as an API
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        Assert.Contains("name=\"token\"", await signIn.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, notAnAsset.StatusCode);
    }

    [Fact]
    public async Task When_a_users_own_token_is_not_an_admins_Should_not_reach_the_hosts_own_routes_beyond_loopback()
    {
        await using var host = HostProcess.Start(new Dictionary<string, string>
        {
            ["SM_Http__Urls"] = "http://0.0.0.0:{port}",
            ["SM_Gateway__Users__0__Name"] = "ana", ["SM_Gateway__Users__0__Token"] = "ana-token-0123456789", ["SM_Gateway__Users__0__Role"] = "read",
            ["SM_Gateway__Users__1__Name"] = "ops", ["SM_Gateway__Users__1__Token"] = "ops-token-0123456789", ["SM_Gateway__Users__1__Role"] = "admin",
        });
        await host.WaitForAsync("/healthz", HttpStatusCode.OK, Within);

        foreach (var path in new[] { "/metrics", "/api/instances", "/readyz" })
        {
            using var reader = await GetAsync(host, path, "ana-token-0123456789");
            using var admin = await GetAsync(host, path, "ops-token-0123456789");
            Assert.Equal(HttpStatusCode.Forbidden, reader.StatusCode);
            Assert.NotEqual(HttpStatusCode.Forbidden, admin.StatusCode);
            Assert.NotEqual(HttpStatusCode.Unauthorized, admin.StatusCode);
        }
        using var sessions = await GetAsync(host, "/api/sessions", "ana-token-0123456789");
        Assert.Equal(HttpStatusCode.OK, sessions.StatusCode); // the reader's own routes are theirs still
    }

    private static Task<HttpResponseMessage> GetAsync(HostProcess host, string path, string token) => host.SendAsync(HttpMethod.Get, path, token, Cancel);
}
