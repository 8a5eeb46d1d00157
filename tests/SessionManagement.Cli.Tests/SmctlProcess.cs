using System.Diagnostics;

namespace SessionManagement.Cli.Tests;

/// <summary>smctl run as users run it: its own process, its exit code, what it printed.</summary>
internal static class SmctlProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static async Task<Result> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "smctl.dll"));
        foreach (var argument in args)
            start.ArgumentList.Add(argument);
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("SM_", StringComparison.Ordinal) || k.StartsWith("CLAUDE", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(key);
        start.Environment["COLUMNS"] = "200"; // tables wide enough to hold a session id whole
        foreach (var (key, value) in environment)
            start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
