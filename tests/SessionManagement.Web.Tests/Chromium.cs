using Microsoft.Playwright;
using SessionManagement.Testing;

namespace SessionManagement.Web.Tests;

/// <summary>Debian's chromium, launched by Playwright through its executable path: nothing is downloaded at run time.</summary>
internal static class Chromium
{
    public static string Executable() =>
        Environment.GetEnvironmentVariable("SM_TEST_CHROMIUM") is { Length: > 0 } given && File.Exists(given) ? given
        : File.Exists("/usr/bin/chromium") ? "/usr/bin/chromium"
        : throw new InfrastructureUnavailableException("No chromium to run the web view's tests in: set SM_TEST_CHROMIUM, or run ./test.sh, which installs Debian's chromium.");

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        var executable = Executable();
        var playwright = await Playwright.CreateAsync();
        // Root (CI's user here) cannot use chromium's sandbox.
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = executable, Headless = true, Args = ["--no-sandbox"] });
        return (playwright, browser);
    }

    /// <summary>Saves what the page shows under the test output's <c>screenshots/</c> (artifacts, never committed).</summary>
    public static async Task ScreenshotAsync(IPage page, string name, bool fullPage = true)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = fullPage });
    }
}
