using System.Diagnostics;

namespace SessionManagement.Testing;

/// <summary>The real Claude Code CLI from npm, run in a folder with an environment of the test's own.</summary>
public static class ClaudeRun
{
    public static string Executable() =>
        Environment.GetEnvironmentVariable("SM_TEST_CLAUDE") is { Length: > 0 } path && File.Exists(path)
            ? path
            : throw new InfrastructureUnavailableException(
                "The Claude Code CLI is not available: set SM_TEST_CLAUDE to its executable, or run ./test.sh, which installs @anthropic-ai/claude-code from npm.");

    public static Task<(int ExitCode, string Output)> RunAsync(string folder, IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        RunWithInputAsync(folder, environment, input: "", arguments);

    /// <summary>The same, with <paramref name="input"/> on its standard input (<c>--input-format stream-json</c>'s messages, a line each).</summary>
    public static async Task<(int ExitCode, string Output)> RunWithInputAsync(string folder, IReadOnlyDictionary<string, string> environment, string input,
        params string[] arguments)
    {
        var start = new ProcessStartInfo(Executable())
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("ANTHROPIC_", StringComparison.Ordinal) || k.StartsWith("CLAUDE", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(key);
        foreach (var (key, value) in environment)
            start.Environment[key] = value;
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, (await stdout + await stderr).Trim());
    }
}
