using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace SessionManagement.Bench;

/// <summary>
/// The web view's two budgets: a session of 10,000 messages opened in chromium (first paint and interactive, from the navigation's
/// own timings), and the session list at 100,000 sessions, timed at the server (request to the whole page).
/// </summary>
internal static class WebBenchmark
{
    public static async Task<int> RunAsync(string gatewayUrl, string chromium, int sessions, int messages, int runs, string work)
    {
        var gateway = new Uri(gatewayUrl);
        using var http = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromMinutes(10) };
        Directory.CreateDirectory(work);

        // The long session: a generated transcript of about `messages` prompts, replies and tool results, imported.
        var session = "web-bench-" + Guid.NewGuid().ToString("N")[..8];
        var file = Path.Combine(work, session + ".jsonl");
        var (bytes, lines) = await TranscriptGenerator.WriteAsync(file, session, long.MaxValue, messages);
        await using (var body = File.OpenRead(file))
        {
            using var imported = await http.PostAsync($"/api/sessions/import?session={session}&name={session}.jsonl", new StreamContent(body));
            imported.EnsureSuccessStatusCode();
        }
        var held = await http.GetFromJsonAsync<JsonElement>($"/api/sessions/{session}/messages?limit=1");
        var total = held.GetProperty("total").GetInt64();

        // The many sessions: a SessionStart and a prompt each, through the hooks, until the saver lists them all.
        var run = Guid.NewGuid().ToString("N")[..6];
        var clock = Stopwatch.StartNew();
        await HookLoad.PostAsync(gateway, 8, sessions * 2 / 8 * 8, n => n % 2 == 0
            ? $$"""{"session_id":"list-{{run}}-{{n / 2}}","hook_event_name":"SessionStart","source":"startup","cwd":"/bench/project-{{n / 2 % 40}}","model":"claude-opus-4-5-20251101"}"""
            : $$"""{"session_id":"list-{{run}}-{{n / 2}}","hook_event_name":"UserPromptSubmit","prompt":"bench prompt {{n}}","cwd":"/bench/project-{{n / 2 % 40}}"}""");
        var posted = clock.Elapsed;
        long listed;
        while ((listed = (await http.GetFromJsonAsync<JsonElement>("/api/sessions?limit=1")).GetProperty("total").GetInt64()) < sessions)
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(10))
                throw new TimeoutException($"only {listed} sessions listed after 10 minutes");
            await Task.Delay(200);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{sessions} sessions through the hooks (a SessionStart and a prompt each, 8 connections): posted in {posted.TotalSeconds:0.0} s, all listed after {clock.Elapsed.TotalSeconds:0.0} s"));

        // The list at the server: the first page, a page deep in, a project's, by most prompts; after a few untimed.
        var pages = new[] { "/", $"/?skip={sessions / 2 / 50 * 50}", "/?project=/bench/project-7", "/?sort=prompts", "/?status=active&sort=started" };
        var list = new List<double>();
        for (var i = -10; i < runs * pages.Length; i++)
        {
            var watch = Stopwatch.StartNew();
            var page = await http.GetStringAsync(pages[(i + 10) % pages.Length]);
            if (i >= 0)
                list.Add(watch.Elapsed.TotalMilliseconds);
            if (!page.Contains("data-session=", StringComparison.Ordinal))
                throw new InvalidOperationException("the list page shows no session");
        }

        // The long session's page at the server: request to the whole page.
        var server = new List<double>();
        for (var i = -5; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            var page = await http.GetStringAsync($"/sessions/{session}");
            if (i >= 0)
                server.Add(watch.Elapsed.TotalMilliseconds);
            if (i == 0)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"the session's first page: {page.Length / 1000.0:0} KB of HTML"));
        }

        // The long session in chromium, timed by the browser's own navigation and paint entries. Opened as a reader opens it: from
        // the list, in the same tab (the stylesheet and script cached); in a new tab of the same profile; and as a first visit, a new
        // tab of a fresh profile. A new tab pays for chromium's own start of it, measured by the floor: the sign-in page in a new tab.
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = chromium, Headless = true, Args = ["--no-sandbox"] });
        var (fromList, newTab, firstVisit, floor, firstFloor) = (new Timings(), new Timings(), new Timings(), new Timings(), new Timings());
        var warm = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = gatewayUrl });
        var reader = await warm.NewPageAsync();
        foreach (var (timings, how) in new[] { (fromList, "list"), (newTab, "tab"), (firstVisit, "cold"), (floor, "floor"), (firstFloor, "cold floor") })
        {
            for (var i = -3; i < runs; i++)
            {
                var context = how.StartsWith("cold", StringComparison.Ordinal) ? await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = gatewayUrl }) : warm;
                var tab = how == "list" ? reader : await context.NewPageAsync();
                if (how == "list")
                    await tab.GotoAsync("/", new PageGotoOptions { WaitUntil = WaitUntilState.Load });
                await tab.GotoAsync(how.EndsWith("floor", StringComparison.Ordinal) ? "/signin" : $"/sessions/{session}", new PageGotoOptions { WaitUntil = WaitUntilState.Load });
                // The paint entry may come after the load event: waited for, from the browser's buffer.
                var timing = await tab.EvaluateAsync<JsonElement>("""
                    () => new Promise(resolve => new PerformanceObserver((list, observer) => {
                      const fcp = list.getEntries().find(e => e.name === "first-contentful-paint");
                      if (!fcp) return;
                      observer.disconnect();
                      const nav = performance.getEntriesByType("navigation")[0];
                      resolve({ paint: fcp.startTime, interactive: nav.domContentLoadedEventEnd, loaded: nav.loadEventEnd });
                    }).observe({ type: "paint", buffered: true }))
                    """);
                if (i >= 0)
                    timings.Add(timing);
                if (how.StartsWith("cold", StringComparison.Ordinal))
                    await context.CloseAsync();
                else if (how != "list")
                    await tab.CloseAsync();
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"web view: a session of {total} messages ({bytes / 1_000_000.0:0.0} MB, {lines} lines) in chromium, {runs} runs; the list at {listed} sessions, {list.Count} requests"));
        Console.WriteLine("| measured | runs | p50 ms | p95 ms | max ms |");
        Row("session page opened from the list (same tab), first contentful paint", fromList.Paint);
        Row("session page opened from the list, interactive (DOMContentLoaded done)", fromList.Interactive);
        Row("session page opened from the list, loaded", fromList.Loaded);
        Row("session page in a new tab, first contentful paint", newTab.Paint);
        Row("session page in a new tab, interactive", newTab.Interactive);
        Row("session page, first visit (new tab, fresh profile): first contentful paint", firstVisit.Paint);
        Row("session page, first visit: interactive", firstVisit.Interactive);
        Row("the floor: the sign-in page in a new tab (same stylesheet and script, no data), first contentful paint", floor.Paint);
        Row("the floor: interactive", floor.Interactive);
        Row("the floor of a first visit: the sign-in page in a new tab of a fresh profile, first contentful paint", firstFloor.Paint);
        Row("the floor of a first visit: interactive", firstFloor.Interactive);
        Row("session page, at the server (request to whole page)", server);
        Row("session list, request to whole page", list);
        return 0;
    }

    /// <summary>One way of opening the page: the browser's paint, DOMContentLoaded and load times of each run.</summary>
    private sealed class Timings
    {
        public List<double> Paint { get; } = [];
        public List<double> Interactive { get; } = [];
        public List<double> Loaded { get; } = [];

        public void Add(JsonElement timing)
        {
            Paint.Add(timing.GetProperty("paint").GetDouble());
            Interactive.Add(timing.GetProperty("interactive").GetDouble());
            Loaded.Add(timing.GetProperty("loaded").GetDouble());
        }
    }

    private static void Row(string name, List<double> milliseconds)
    {
        milliseconds.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {milliseconds.Count} | {Percentiles.Of(milliseconds, 50):0.0} | {Percentiles.Of(milliseconds, 95):0.0} | {milliseconds[^1]:0.0} |"));
    }
}
