using System.Diagnostics;

namespace SessionManagement.Testing;

/// <summary>Runs <c>sm-hook</c> as Claude Code would: a fresh process, JSON on stdin, stdout and exit code read back.</summary>
public static class SmHookProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    /// <summary>The native build when <c>SM_TEST_SM_HOOK</c> names one, else the dll beside the tests under dotnet.</summary>
    public static (string FileName, IReadOnlyList<string> Prefix) Command()
    {
        if (Environment.GetEnvironmentVariable("SM_TEST_SM_HOOK") is { Length: > 0 } native && File.Exists(native))
            return (native, []);
        var dll = Path.Combine(AppContext.BaseDirectory, "sm-hook.dll");
        if (!File.Exists(dll))
            throw new FileNotFoundException("sm-hook is not beside the tests; reference SessionManagement.HookBridge from the test project.", dll);
        return ("dotnet", [dll]);
    }

    /// <summary>The command line to put in settings.json to run this sm-hook.</summary>
    public static string CommandLine()
    {
        var (file, prefix) = Command();
        return string.Join(' ', new[] { file }.Concat(prefix));
    }

    public static Task<Result> RunAsync(string stdin, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        RunAsync(System.Text.Encoding.UTF8.GetBytes(stdin), environment, args);

    /// <summary>With stdin as raw bytes: input that is not UTF-8 at all, as a broken hook could send.</summary>
    public static async Task<Result> RunAsync(byte[] stdin, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var (file, prefix) = Command();
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in prefix.Concat(args))
            start.ArgumentList.Add(arg);
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("SM_", StringComparison.Ordinal) && k != "SM_TEST_SM_HOOK").ToList())
            start.Environment.Remove(key);
        foreach (var (key, value) in environment)
            start.Environment[key] = value;

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.BaseStream.WriteAsync(stdin);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
