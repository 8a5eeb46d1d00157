using System.Diagnostics;
using System.Text.Json;

namespace SessionManagement.Testing;

/// <summary>ccusage (npm, run offline), the reference users compare token counts with: its per-session report of a Claude Code folder.</summary>
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
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Script(), "session", "--json", "--offline" })
            start.ArgumentList.Add(argument);
        start.Environment["CLAUDE_CONFIG_DIR"] = configDirectory;
        start.Environment["TZ"] = "UTC";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"ccusage exited {process.ExitCode}: {await errors}");
        using var report = JsonDocument.Parse(await output);
        return report.RootElement.GetProperty("sessions").EnumerateArray().Select(s => (
            s.GetProperty("sessionId").GetString()!,
            s.GetProperty("inputTokens").GetInt64() + s.GetProperty("cacheCreationTokens").GetInt64() + s.GetProperty("cacheReadTokens").GetInt64(),
            s.GetProperty("outputTokens").GetInt64(),
            s.GetProperty("totalCost").GetDecimal())).ToList();
    }
}
