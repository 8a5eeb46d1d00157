using System.Net;
using SessionManagement.Testing;

namespace SessionManagement.Gateway.Tests.Bridge;

/// <summary>
/// A page on another site must not change anything through a developer's host, which takes no token on loopback: a browser's
/// request that says it comes from elsewhere is refused, while sm-hook, smctl and curl (which say nothing) are taken.
/// </summary>
public sealed class CrossSiteGuardTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task When_another_sites_page_posts_to_the_host_Should_refuse_it_and_keep_nothing()
    {
        await using var host = HostProcess.Start();
        await host.WaitForAsync("/readyz", HttpStatusCode.OK, Within);
        var (evil, fetched, plain, same) = ("evil-" + Guid.NewGuid().ToString("N")[..8], "fetch-" + Guid.NewGuid().ToString("N")[..8],
            "plain-" + Guid.NewGuid().ToString("N")[..8], "same-" + Guid.NewGuid().ToString("N")[..8]);

        using var fromElsewhere = await ImportAsync(host, evil, ("Origin", "https://evil.example"));
        using var fetchedCrossSite = await ImportAsync(host, fetched, ("Sec-Fetch-Site", "cross-site"), ("Origin", "null"));
        using var fromCurl = await ImportAsync(host, plain);
        using var fromItsOwnPage = await ImportAsync(host, same, ("Origin", host.BaseAddress.GetLeftPart(UriPartial.Authority)), ("Sec-Fetch-Site", "same-origin"));

        Assert.Equal(HttpStatusCode.Forbidden, fromElsewhere.StatusCode);
        Assert.Contains("another site", await fromElsewhere.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, fetchedCrossSite.StatusCode);
        Assert.Equal(HttpStatusCode.OK, fromCurl.StatusCode);
        Assert.Equal(HttpStatusCode.OK, fromItsOwnPage.StatusCode);
        foreach (var (session, kept) in new[] { (evil, false), (fetched, false), (plain, true), (same, true) })
            Assert.Equal(kept ? HttpStatusCode.OK : HttpStatusCode.NotFound, (await host.Http.GetAsync($"/api/sessions/{session}/files", Cancel)).StatusCode);
        // Reading is not changing: another site's page still cannot read the answer (no CORS), and a GET is not refused here.
        using var read = new HttpRequestMessage(HttpMethod.Get, "/api/sessions");
        read.Headers.Add("Origin", "https://evil.example");
        using var answer = await host.Http.SendAsync(read, Cancel);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.False(answer.Headers.Contains("Access-Control-Allow-Origin"));
    }

    private static async Task<HttpResponseMessage> ImportAsync(HostProcess host, string session, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/sessions/import?session={session}&name={session}.jsonl")
        {
            Content = new StringContent(TranscriptLines.User(session, "u-1", null, 0, "hello from " + session) + "\n"),
        };
        foreach (var (name, value) in headers)
            request.Headers.TryAddWithoutValidation(name, value);
        return await host.Http.SendAsync(request, Cancel);
    }
}
