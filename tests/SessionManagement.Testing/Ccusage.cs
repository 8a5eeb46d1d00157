using System.Diagnostics;
using System.Text.Json;

namespace SessionManagement.Testing;

/// <summary>ccusage (npm, run offline), the reference users compare token counts with: its reports of a Claude Code folder.</summary>
public static class Ccusage
{
    public static string Script() =>
        Environment.GetEnvironmentVariable("SM_TEST_CCUSAGE") is { Length: > 0 } path && File.Exists(path)
            ? path
            : throw new InfrastructureUnavailableException(
                "ccusage is not available: set SM_TEST_CCUSAGE to its dist/index.js, or run ./test.sh, which installs ccusage 17 from npm.");

    /// <summary>
    /// <c>ccusage session --json --offline</c> on <paramref name="configDirectory"/>: per session (ccusage names one by the folder
    /// its transcripts lie in) input tokens with cache reads and writes, output tokens and cost.
    /// </summary>
    public static async Task<IReadOnlyList<(string SessionId, long Input, long Output, decimal Cost)>> SessionsAsync(string configDirectory,
        CancellationToken cancellationToken)
    {
        using var report = await RunAsync(configDirectory, ["session", "--json", "--offline"], cancellationToken);
        return report.RootElement.GetProperty("sessions").EnumerateArray().Select(s => (
            s.GetProperty("sessionId").GetString()!,
            s.GetProperty("inputTokens").GetInt64() + s.GetProperty("cacheCreationTokens").GetInt64() + s.GetProperty("cacheReadTokens").GetInt64(),
            s.GetProperty("outputTokens").GetInt64(),
            s.GetProperty("totalCost").GetDecimal())).ToList();
    }

    /// <summary>
    /// <c>ccusage daily --json --breakdown --offline</c> on <paramref name="configDirectory"/>, totalled over the days: per model, its
    /// input tokens, output tokens, cache writes, cache reads and cost.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, (long Input, long Output, long CacheWrite, long CacheRead, decimal Cost)>> ModelsAsync(
        string configDirectory, CancellationToken cancellationToken)
    {
        using var report = await RunAsync(configDirectory, ["daily", "--json", "--breakdown", "--offline"], cancellationToken);
        return report.RootElement.GetProperty("daily").EnumerateArray().SelectMany(day => day.GetProperty("modelBreakdowns").EnumerateArray())
            .GroupBy(m => m.GetProperty("modelName").GetString()!)
            .ToDictionary(g => g.Key, g => (g.Sum(m => m.GetProperty("inputTokens").GetInt64()), g.Sum(m => m.GetProperty("outputTokens").GetInt64()),
                g.Sum(m => m.GetProperty("cacheCreationTokens").GetInt64()), g.Sum(m => m.GetProperty("cacheReadTokens").GetInt64()),
                g.Sum(m => m.GetProperty("cost").GetDecimal())));
    }

    /// <summary>
    /// <c>ccusage daily</c> or <c>monthly --json --offline</c> on <paramref name="configDirectory"/>, its days (or months) counted in
    /// <paramref name="timeZone"/>: per period, its input tokens, output tokens, cache writes, cache reads, all of them, and cost.
    /// </summary>
    public static async Task<IReadOnlyList<(string Period, long Input, long Output, long CacheWrite, long CacheRead, long Total, decimal Cost)>> PeriodsAsync(
        string configDirectory, string report, string timeZone, IEnumerable<string> options, CancellationToken cancellationToken)
    {
        using var json = await RunAsync(configDirectory, [report, "--json", "--offline", .. options], cancellationToken, timeZone);
        return json.RootElement.GetProperty(report).EnumerateArray().Select(p => (
            p.GetProperty(report == "daily" ? "date" : "month").GetString()!,
            p.GetProperty("inputTokens").GetInt64(), p.GetProperty("outputTokens").GetInt64(), p.GetProperty("cacheCreationTokens").GetInt64(),
            p.GetProperty("cacheReadTokens").GetInt64(), p.GetProperty("totalTokens").GetInt64(), p.GetProperty("totalCost").GetDecimal())).ToList();
    }

    private static async Task<JsonDocument> RunAsync(string configDirectory, string[] arguments, CancellationToken cancellationToken, string timeZone = "UTC")
    {
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])[Script(), .. arguments])
            start.ArgumentList.Add(argument);
        start.Environment["CLAUDE_CONFIG_DIR"] = configDirectory;
        start.Environment["TZ"] = timeZone;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"ccusage exited {process.ExitCode}: {await errors}");
        return JsonDocument.Parse(await output);
    }
}
