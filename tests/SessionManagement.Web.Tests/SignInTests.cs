using System.Net;
using Microsoft.Playwright;
using SessionManagement.Testing;

namespace SessionManagement.Web.Tests;

/// <summary>
/// The web view on a host that takes tokens: a browser without one is sent to sign in, a wrong token is refused, and a user's own
/// token shows them their sessions and no one else's, as the API would.
/// </summary>
public sealed class SignInTests : IAsyncLifetime
{
    private const string Ana = "ana-token-0123456789", Ben = "ben-token-0123456789", Root = "root-token-0123456789";
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async ValueTask InitializeAsync() => (_playwright, _browser) = await Chromium.LaunchAsync();

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }

    [Fact]
    public async Task When_a_browser_signs_in_Should_refuse_a_wrong_token_and_show_a_reader_only_their_own_sessions()
    {
        await using var host = HostProcess.Start(GatewayUsers.Settings(("ana", Ana, "read"), ("ben", Ben, "read"), ("root", Root, "admin")));
        await host.WaitForAsync("/healthz", HttpStatusCode.OK, Within);
        var (anas, bens) = ("ana-" + Guid.NewGuid().ToString("N")[..8], "ben-" + Guid.NewGuid().ToString("N")[..8]);
        foreach (var (token, session) in new[] { (Ana, anas), (Ben, bens) })
        {
            using var sent = await host.SendAsync(HttpMethod.Post, "/hooks", token, Cancel,
                $$"""{"session_id":"{{session}}","hook_event_name":"UserPromptSubmit","cwd":"/work/shared","prompt":"the plan of {{session}}"}""");
            Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        }
        await Eventually.ReturnsAsync(async () => (await host.SendAsync(HttpMethod.Get, "/api/sessions", Root, Cancel)).Content.ReadAsStringAsync(Cancel).Result,
            body => body.Contains(anas, StringComparison.Ordinal) && body.Contains(bens, StringComparison.Ordinal), Within, "both sessions kept");
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = host.BaseAddress.ToString() });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout((float)Within.TotalMilliseconds);

        // No token: sent to sign in, the page asked for kept for after it.
        await page.GotoAsync($"/sessions/{anas}");
        Assert.StartsWith("/signin", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
        var wrong = await SubmitAsync(page, "not-a-token-of-anyone");
        Assert.Equal(401, wrong!.Status);
        await Assertions.Expect(page.Locator(".problem")).ToContainTextAsync("not one this host accepts");
        Assert.Empty(await context.CookiesAsync());
        await Chromium.ScreenshotAsync(page, "signin-refused");

        // Ana's token: back to the page she asked for, then the list holds her session only.
        await SubmitAsync(page, Ana);
        await Assertions.Expect(page.Locator("li.message.user")).ToContainTextAsync($"the plan of {anas}");
        var cookie = Assert.Single(await context.CookiesAsync());
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        await page.GotoAsync("/");
        await Assertions.Expect(page.Locator("tr[data-session]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator($"tr[data-session='{anas}']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".who")).ToHaveTextAsync("ana");

        // Ben's session is not hers: answered as if it did not exist. Health spans everyone: an admin's.
        var other = await page.GotoAsync($"/sessions/{bens}");
        Assert.Equal(404, other!.Status);
        Assert.DoesNotContain($"the plan of {bens}", await page.ContentAsync(), StringComparison.Ordinal);
        var health = await page.GotoAsync("/health");
        Assert.Equal(403, health!.Status);

        // Her export link works with the cookie alone, as the page offers it.
        var export = await page.APIRequest.GetAsync($"/api/sessions/{anas}/export?format=markdown");
        Assert.Equal(200, export.Status);
        Assert.Contains($"the plan of {anas}", await export.TextAsync(), StringComparison.Ordinal);

        // Signed out, the cookie is gone and the pages want a token again.
        await page.GotoAsync("/");
        await page.Locator("form[action='/signout'] button").ClickAsync();
        await page.WaitForURLAsync("**/signin", new() { WaitUntil = WaitUntilState.DOMContentLoaded }); // the form, rendered by the server
        Assert.Empty(await context.CookiesAsync());
        await page.GotoAsync("/");
        Assert.StartsWith("/signin", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
    }

    private static async Task<IResponse?> SubmitAsync(IPage page, string token)
    {
        await page.Locator("input[name=token]").FillAsync(token);
        // What the page shows next is waited for by the caller's expectations; the response is what this waits for.
        return await page.RunAndWaitForResponseAsync(() => page.Locator("form.signin button").ClickAsync(),
            r => r.Request.Method == "POST" && new Uri(r.Url).AbsolutePath == "/signin");
    }
}
