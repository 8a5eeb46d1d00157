using System.Diagnostics;
using System.Text.RegularExpressions;

namespace SessionManagement.HookBridge;

/// <summary>
/// The version of the Claude Code that will run the hooks: <c>$SM_CLAUDE</c>, else <c>claude</c> on the PATH, asked for
/// <c>--version</c>. Background command hooks (<c>"async": true</c>) came with 2.1; a Claude Code that cannot be asked is not
/// given them.
/// </summary>
internal static partial class ClaudeCodeVersion
{
    public static readonly Version AsyncHooksSince = new(2, 1, 0);

    public static bool SupportsAsyncHooks(TextWriter output)
    {
        var version = Find();
        if (version is null)
        {
            output.WriteLine("no Claude Code found to ask for its version (set SM_CLAUDE to it, or use --async): hooks run in the foreground");
            return false;
        }
        output.WriteLine($"Claude Code {version}: hooks whose answer nobody reads run in the {(version >= AsyncHooksSince ? "background" : "foreground")}");
        return version >= AsyncHooksSince;
    }

    private static Version? Find()
    {
        var executable = Environment.GetEnvironmentVariable("SM_CLAUDE") is { Length: > 0 } given ? given : OnPath("claude");
        if (executable is null)
            return null;
        try
        {
            using var process = Process.Start(new ProcessStartInfo(executable, "--version") { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var text = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(15_000))
            {
                process.Kill(entireProcessTree: true);
                return null;
            }
            return Parse(text);
        }
        catch (Exception error) when (error is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            return null;
        }
    }

    /// <summary>The version in <c>claude --version</c>'s answer, <c>2.1.332 (Claude Code)</c>.</summary>
    internal static Version? Parse(string text) =>
        VersionText().Match(text) is { Success: true } match ? new Version(match.Value) : null;

    private static string? OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name)).FirstOrDefault(File.Exists);

    [GeneratedRegex(@"\d+\.\d+\.\d+")]
    private static partial Regex VersionText();
}
