using System.Net;
using System.Text;
using System.Text.Json;
using SessionManagement.Testing;

namespace SessionManagement.Cli.Tests;

/// <summary>
/// <c>smctl usage</c> against ccusage, the npm tool users compare us with, run offline on the same files: per day and per month, in
/// two time zones, and over a range of days.
/// </summary>
public sealed class UsageTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task When_usage_is_asked_by_day_or_month_Should_give_ccusage_s_figures_for_the_same_files()
    {
        Ccusage.Script(); // before any work: say at once when ccusage is not there
        var run = Guid.NewGuid().ToString("N")[..8];
        // A session across midnight at the end of October (UTC), one on November 1st at 03:30 UTC (October 31st in New York), one a
        // day later; responses written as several lines, three models.
        var night = new UsageTranscript($"night-{run}", "/work/a", new DateTimeOffset(2026, 10, 31, 23, 59, 56, TimeSpan.Zero))
            .Prompt("Fix the parser").Response("claude-opus-4-5-20251101", 3, 3, 412, 18_000, 9_500).ToolResult("ok")
            .Response("claude-opus-4-5-20251101", 2, 1, 230, 600, 27_500).Prompt("And the docs")
            .Response("claude-sonnet-4-5-20250929", 2, 10, 700, 12_000, 0);
        var early = new UsageTranscript($"early-{run}", "/work/b", new DateTimeOffset(2026, 11, 1, 3, 30, 0, TimeSpan.Zero))
            .Prompt("Why does the build fail?").Response("claude-sonnet-4-5-20250929", 2, 2, 1_500, 900, 12_000)
            .Response("claude-haiku-4-5-20251001", 1, 400, 60, 0, 0);
        var later = new UsageTranscript($"later-{run}", "/work/a", new DateTimeOffset(2026, 11, 2, 8, 0, 0, TimeSpan.Zero))
            .Prompt("Release it").Response("claude-opus-4-5-20251101", 3, 4, 1_800, 2_200, 28_100);
        (string Id, UsageTranscript Transcript)[] sessions = [($"night-{run}", night), ($"early-{run}", early), ($"later-{run}", later)];

        using var config = new TempDirectory();
        await using var host = HostProcess.Start();
        await host.WaitForAsync("/readyz", HttpStatusCode.OK, TimeSpan.FromSeconds(60));
        foreach (var (id, transcript) in sessions)
        {
            var project = Directory.CreateDirectory(Path.Combine(config.Path, "projects", "-work-" + id)).FullName;
            await File.WriteAllTextAsync(Path.Combine(project, id + ".jsonl"), transcript.Text, Cancel);
            using var imported = await host.Http.PostAsync($"/api/sessions/import?session={id}&name={id}.jsonl",
                new StringContent(transcript.Text, Encoding.UTF8, "application/x-ndjson"), Cancel);
            imported.EnsureSuccessStatusCode();
        }
        var smctl = new Dictionary<string, string> { ["SM_GATEWAY_URL"] = host.BaseAddress.ToString() };
        var output = sessions.Sum(s => s.Transcript.Responses.Sum(r => r.Output));
        await Eventually.ReturnsAsync(async () => await UsageAsync(smctl, "--by", "day", "--timezone", "UTC"),
            rows => rows.Sum(r => r.Output) >= output, TimeSpan.FromSeconds(30), $"{output} output tokens counted");

        foreach (var (by, report, zone, options) in new (string, string, string, string[])[]
        {
            ("day", "daily", "UTC", []), ("day", "daily", "America/New_York", []), ("month", "monthly", "UTC", []),
            ("month", "monthly", "America/New_York", []), ("day", "daily", "UTC", ["--since", "20261101", "--until", "20261101"]),
        })
        {
            var theirs = await Ccusage.PeriodsAsync(config.Path, report, zone, options, Cancel);
            var ours = await UsageAsync(smctl, ["--by", by, "--timezone", zone, .. options]);
            Assert.True(theirs.Count >= 1, $"ccusage {report} in {zone}: no rows");
            Assert.Equal(theirs.Select(t => (t.Period, t.Input, t.Output, t.CacheWrite, t.CacheRead, t.Total, decimal.Round(t.Cost, 4))),
                ours.Select(o => (o.Period, o.Input, o.Output, o.CacheWrite, o.CacheRead, o.Total, decimal.Round(o.Cost, 4))));
        }
        // The midnight session's first response is October 31st's in UTC, its others November 1st's; in New York all of it, and the
        // early session too, are October 31st's.
        Assert.Equal(["2026-10-31", "2026-11-01", "2026-11-02"], (await UsageAsync(smctl, "--by", "day", "--timezone", "UTC")).Select(r => r.Period));
        Assert.Equal(["2026-10-31", "2026-11-02"], (await UsageAsync(smctl, "--by", "day", "--timezone", "America/New_York")).Select(r => r.Period));

        var table = await SmctlProcess.RunAsync(smctl, "usage", "--by", "project", "--timezone", "UTC");
        Assert.True(table.ExitCode == 0, table.Stderr);
        Assert.Contains("/work/a", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("/work/b", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("Total", table.Stdout, StringComparison.Ordinal);
        var bad = await SmctlProcess.RunAsync(smctl, "usage", "--timezone", "Mars/Olympus_Mons");
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("not a time zone", bad.Stdout + bad.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_a_session_has_responses_of_a_model_with_no_price_Should_say_so_rather_than_show_a_smaller_cost()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var start = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddHours(-3).ToUnixTimeSeconds()); // within the doctor's 30 days
        // One session wholly of a model no table prices, one partly: Haiku 4.5 ($1 in, $5 out per million) and the same unknown model.
        var unknown = new UsageTranscript($"unknown-{run}", "/work/c", start).Prompt("Hello").Response("claude-private-7", 1, 700, 50, 0, 0);
        var mixed = new UsageTranscript($"mixed-{run}", "/work/c", start.AddHours(1)).Prompt("Hello")
            .Response("claude-haiku-4-5-20251001", 1, 4_000, 2_000, 0, 0).Response("claude-private-7", 1, 300, 20, 0, 0);
        await using var host = HostProcess.Start();
        await host.WaitForAsync("/readyz", HttpStatusCode.OK, TimeSpan.FromSeconds(60));
        foreach (var transcript in new[] { unknown, mixed })
        {
            using var imported = await host.Http.PostAsync($"/api/sessions/import?session={transcript.SessionId}&name={transcript.SessionId}.jsonl",
                new StringContent(transcript.Text, Encoding.UTF8, "application/x-ndjson"), Cancel);
            imported.EnsureSuccessStatusCode();
        }
        var smctl = new Dictionary<string, string> { ["SM_GATEWAY_URL"] = host.BaseAddress.ToString() };
        foreach (var (transcript, output) in new[] { (unknown, 50L), (mixed, 2_020L) })
            await Eventually.ReturnsAsync(async () => JsonDocument.Parse((await SmctlProcess.RunAsync(smctl, "sessions", "show", transcript.SessionId, "--json")).Stdout).RootElement,
                s => s.GetProperty("status").ValueKind == JsonValueKind.Object && s.GetProperty("status").GetProperty("outputTokens").GetInt64() == output,
                TimeSpan.FromSeconds(30), $"{transcript.SessionId}'s {output} output tokens");

        var none = await SmctlProcess.RunAsync(smctl, "sessions", "show", unknown.SessionId);
        var part = await SmctlProcess.RunAsync(smctl, "sessions", "show", mixed.SessionId);
        var list = WebUtility.HtmlDecode(await host.Http.GetStringAsync("/?project=%2Fwork%2Fc", Cancel));
        var page = WebUtility.HtmlDecode(await host.Http.GetStringAsync($"/sessions/{mixed.SessionId}", Cancel));

        Assert.Matches(@"Cost +no price for its 750 tokens \(Status:Prices\)", none.Stdout);
        Assert.Matches(@"Cost +≥ \$0\.014 \(320 tokens with no price; Status:Prices\)", part.Stdout); // 4,000 × $1 + 2,000 × $5 per million
        Assert.Contains(">no price</td>", list, StringComparison.Ordinal);
        Assert.Contains(">≥ $0.014</td>", list, StringComparison.Ordinal);
        Assert.Contains("title=\"320 tokens of a model with no price (Status:Prices) are not in it\" data-cost>≥ $0.014</dd>", page, StringComparison.Ordinal);

        // The doctor names the model and what it comes to (750 + 320 tokens), and the gateway says it has no price, as it says one it has.
        var doctor = await SmctlProcess.RunAsync(smctl, "doctor", "--json");
        var prices = JsonDocument.Parse(doctor.Stdout).RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "prices");
        Assert.Equal(8, doctor.ExitCode);
        Assert.False(prices.GetProperty("ok").GetBoolean());
        Assert.StartsWith("no price for claude-private-7 (1,070 tokens) in the last 30 days", prices.GetProperty("detail").GetString(), StringComparison.Ordinal);
        using var missing = await host.Http.GetAsync("/api/prices/claude-private-7", Cancel);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("Status:Prices:claude-private-7", await missing.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        var opus = JsonDocument.Parse(await host.Http.GetStringAsync("/api/prices/us.anthropic.claude-opus-5-5", Cancel)).RootElement; // its Bedrock id
        Assert.Equal((4m, 20m, 5m, 0.2m), (opus.GetProperty("input").GetDecimal(), opus.GetProperty("output").GetDecimal(),
            opus.GetProperty("cacheWrite").GetDecimal(), opus.GetProperty("cacheRead").GetDecimal()));
    }

    private static async Task<List<(string Period, long Input, long Output, long CacheWrite, long CacheRead, long Total, decimal Cost)>> UsageAsync(
        IReadOnlyDictionary<string, string> smctl, params string[] options)
    {
        var result = await SmctlProcess.RunAsync(smctl, ["usage", "--json", .. options]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        var json = JsonDocument.Parse(result.Stdout).RootElement;
        var key = json.GetProperty("by").GetString() == "day" ? "date" : "month";
        return json.GetProperty("rows").EnumerateArray().Select(r => (r.GetProperty(key).GetString()!, r.GetProperty("inputTokens").GetInt64(),
            r.GetProperty("outputTokens").GetInt64(), r.GetProperty("cacheCreationTokens").GetInt64(), r.GetProperty("cacheReadTokens").GetInt64(),
            r.GetProperty("totalTokens").GetInt64(), r.GetProperty("totalCost").GetDecimal())).ToList();
    }
}
