using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using SessionManagement.Testing;

namespace SessionManagement.Status.Tests;

/// <summary>
/// Token counts and costs against ccusage (the npm tool users compare us with, run offline on the same files) and against what the
/// test itself wrote: one response written as several lines counts once, by <c>message.id</c> + <c>requestId</c>, in whatever
/// file it appears first; each model is priced at its own list price.
/// </summary>
public sealed class UsageLikeCcusageTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    // Anthropic's list prices per million tokens (input, output, cache write, cache read), written down here, not taken from the product.
    private static readonly Dictionary<string, (decimal In, decimal Out, decimal Write, decimal Read)> ListPrices = new()
    {
        ["claude-opus-4-5-20251101"] = (5m, 25m, 6.25m, 0.5m),
        ["claude-sonnet-4-5-20250929"] = (3m, 15m, 3.75m, 0.3m),
        ["claude-haiku-4-5-20251001"] = (1m, 5m, 1.25m, 0.1m),
    };

    [Fact]
    public async Task When_transcripts_repeat_each_response_on_several_lines_Should_count_and_price_them_as_ccusage_does()
    {
        Ccusage.Script(); // before any work: say at once when ccusage is not there
        var run = Guid.NewGuid().ToString("N")[..8];
        var start = new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);
        var opus = new UsageTranscript($"opus-{run}", "/work/opus", start)
            .Prompt("Refactor the parser").Response("claude-opus-4-5-20251101", 3, 3, 412, 18_000, 9_500).ToolResult("ok")
            .Response("claude-opus-4-5-20251101", 2, 1, 230, 600, 27_500).Prompt("And the tests")
            .Response("claude-opus-4-5-20251101", 4, 5, 1_800, 2_200, 28_100).ToolResult("3 passed")
            .Response("claude-opus-4-5-20251101", 1, 1, 90, 150, 30_300);
        var sonnet = new UsageTranscript($"sonnet-{run}", "/work/sonnet", start.AddHours(1))
            .Prompt("Why does the build fail?").Response("claude-sonnet-4-5-20250929", 2, 10, 700, 12_000, 0).ToolResult("error CS0103")
            .Response("claude-sonnet-4-5-20250929", 3, 2, 1_500, 900, 12_000)
            .Response("claude-haiku-4-5-20251001", 2, 400, 60, 0, 0); // a subagent-style side call on another model
        var resumed = new UsageTranscript($"resumed-{run}", "/work/resumed", start.AddHours(2))
            .Repeat(opus, 5) // the prompt and the first response's three lines, and the tool result: counted with the opus session
            .Prompt("Continue").Response("claude-opus-4-5-20251101", 2, 2, 333, 1_000, 31_000)
            .Response("claude-sonnet-4-5-20250929", 2, 7, 55, 0, 0, requestId: false); // no requestId: each line counts (ccusage's rule)
        UsageTranscript[] transcripts = [opus, sonnet, resumed];
        (string Id, UsageTranscript Transcript)[] sessions = [($"opus-{run}", opus), ($"sonnet-{run}", sonnet), ($"resumed-{run}", resumed)];

        using var config = new TempDirectory();
        foreach (var (id, transcript) in sessions)
        {
            var project = Directory.CreateDirectory(Path.Combine(config.Path, "projects", id)).FullName;
            await File.WriteAllTextAsync(Path.Combine(project, id + ".jsonl"), transcript.Text, Cancel);
        }
        var reference = (await Ccusage.SessionsAsync(config.Path, Cancel)).ToDictionary(s => s.SessionId, s => (s.Input, s.Output, s.Cost));

        await using var host = HostProcess.Start();
        await host.WaitForAsync("/readyz", HttpStatusCode.OK, TimeSpan.FromSeconds(60));
        foreach (var (id, transcript) in sessions) // the opus session first: the responses the resumed file repeats count with it
        {
            using var imported = await host.Http.PostAsync($"/api/sessions/import?session={id}&name={id}.jsonl",
                new StringContent(transcript.Text, Encoding.UTF8, "application/x-ndjson"), Cancel);
            imported.EnsureSuccessStatusCode();
        }

        var ours = new Dictionary<string, (long Input, long Output, decimal Cost)>();
        foreach (var (id, transcript) in sessions)
        {
            // What the test wrote, response by response (the resumed file's copied lines are the opus session's responses).
            var written = Totals(transcript);
            var status = await Eventually.ReturnsAsync(async () =>
                {
                    using var response = await host.Http.GetAsync($"/api/status/sessions/{id}", Cancel);
                    return response.IsSuccessStatusCode ? JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel)).RootElement.Clone() : default;
                },
                s => s.ValueKind == JsonValueKind.Object && s.GetProperty("outputTokens").GetInt64() >= written.Output, TimeSpan.FromSeconds(30),
                $"session {id}'s {written.Output} output tokens");
            ours[id] = (status.GetProperty("inputTokens").GetInt64(), status.GetProperty("outputTokens").GetInt64(), status.GetProperty("costUsd").GetDecimal());
            Assert.Equal((written.Input, written.Output, decimal.Round(written.Cost, 6)), ours[id]);
        }

        // ccusage counts a repeated response with whichever file it reads first; the resumed file starts with the opus session's
        // own first line, so which of the two gets it is a tie ccusage breaks either way. The two together, and the sonnet
        // session alone, are what it must agree on.
        (string[] Ids, UsageTranscript[] Written)[] groups = [([$"sonnet-{run}"], [sonnet]), ([$"opus-{run}", $"resumed-{run}"], [opus, resumed])];
        foreach (var (ids, written) in groups)
        {
            var expected = written.Select(Totals).Aggregate((a, b) => (a.Input + b.Input, a.Output + b.Output, a.Cost + b.Cost));
            Assert.Equal((expected.Input, expected.Output), (ids.Sum(id => reference[id].Input), ids.Sum(id => reference[id].Output)));
            Assert.Equal(decimal.Round(expected.Cost, 4), decimal.Round(ids.Sum(id => reference[id].Cost), 4));
            Assert.Equal((expected.Input, expected.Output), (ids.Sum(id => ours[id].Input), ids.Sum(id => ours[id].Output)));
        }
        Assert.Equal(transcripts.Length, reference.Count);

        // Per model, the report of the day against ccusage's daily breakdown of the same files.
        var models = await Ccusage.ModelsAsync(config.Path, Cancel);
        var day = start.UtcDateTime.Date.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var next = start.UtcDateTime.Date.AddDays(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var perModel = await Eventually.ReturnsAsync(async () => (await ReportAsync(host, "model", day, next)).ToDictionary(r => r.Key, r => (
                (long)r.Value["input_tokens"], (long)r.Value["output_tokens"], (long)r.Value["cache_creation_tokens"], (long)r.Value["cache_read_tokens"],
                (decimal)r.Value["cost_usd"])),
            rows => rows.Values.Sum(r => r.Item2) >= models.Values.Sum(m => m.Output), TimeSpan.FromSeconds(30), "the report per model");
        Assert.Equal(3, models.Count);
        Assert.Equal(models.Keys.Order(StringComparer.Ordinal), perModel.Keys.Order(StringComparer.Ordinal));
        foreach (var (model, theirs) in models)
        {
            var (input, output, cacheWrite, cacheRead, cost) = perModel[model];
            Assert.Equal((theirs.Input, theirs.Output, theirs.CacheWrite, theirs.CacheRead), (input, output, cacheWrite, cacheRead));
            // Both sum floating-point prices, in orders of their own: the sums agree to a millionth of a dollar, not always in its last
            // rounded digit (0.272072 against 0.272073 was seen).
            Assert.True(Math.Abs(theirs.Cost - cost) <= 0.000001m, $"{model}: ccusage ${theirs.Cost}, ours ${cost}");
        }

        // Per project: each imported session's usage under its project, the working directory of its file's first line that names
        // one (read here from the text the test wrote; the resumed file starts with the opus session's lines), none under no project.
        // No hook reached these sessions: what the lines say is all there is to count them by.
        var projectOf = sessions.ToDictionary(s => s.Id, s => s.Transcript.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement).First(r => r.TryGetProperty("cwd", out _)).GetProperty("cwd").GetString()!);
        var expectedPerProject = sessions.GroupBy(s => projectOf[s.Id]).ToDictionary(g => g.Key, g => (g.Sum(s => ours[s.Id].Input), g.Sum(s => ours[s.Id].Output)));
        Assert.Equal(2, expectedPerProject.Count);
        var perProject = await Eventually.ReturnsAsync(async () => (await ReportAsync(host, "project", day, next)).ToDictionary(r => r.Key, r => (
                (long)(r.Value["input_tokens"] + r.Value["cache_creation_tokens"] + r.Value["cache_read_tokens"]), (long)r.Value["output_tokens"])),
            rows => rows.Values.Sum(r => r.Item2) >= expectedPerProject.Values.Sum(p => p.Item2), TimeSpan.FromSeconds(30), "the report per project");
        Assert.Equal(expectedPerProject.OrderBy(p => p.Key, StringComparer.Ordinal), perProject.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.DoesNotContain("", (await ReportAsync(host, "user", day, next)).Keys); // the importer's, as the saver keeps it
    }

    /// <summary>The usage report of one day, grouped as asked: each group's metrics.</summary>
    private static async Task<Dictionary<string, Dictionary<string, double>>> ReportAsync(HostProcess host, string groupBy, string day, string next)
    {
        using var response = await host.Http.GetAsync($"/api/reports/usage?granularity=day&groupBy={groupBy}&from={day}&to={next}", Cancel);
        response.EnsureSuccessStatusCode();
        using var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel));
        return report.RootElement.GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("group").GetString()!,
            r => r.GetProperty("metrics").EnumerateObject().ToDictionary(m => m.Name, m => m.Value.GetDouble()));
    }

    private static (long Input, long Output, decimal Cost) Totals(UsageTranscript transcript) => (
        transcript.Responses.Sum(r => r.Input + r.CacheCreation + r.CacheRead),
        transcript.Responses.Sum(r => r.Output),
        transcript.Responses.Sum(r => Cost(r.Model, r.Input, r.Output, r.CacheCreation, r.CacheRead)));

    private static decimal Cost(string model, long input, long output, long write, long read)
    {
        var p = ListPrices[model];
        return (input * p.In + output * p.Out + write * p.Write + read * p.Read) / 1_000_000m;
    }
}
