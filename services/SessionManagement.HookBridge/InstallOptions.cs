namespace SessionManagement.HookBridge;

/// <summary>
/// <c>sm-hook install|uninstall [--user | --project DIR] [--http] [--statusline] [--async | --no-async]</c>, parsed.
/// <see cref="Async"/> null means: as the installed Claude Code supports (<see cref="ClaudeCodeVersion"/>).
/// </summary>
internal sealed record InstallOptions(string SettingsPath, bool Http, bool ReplaceStatusLine, bool? Async = null)
{
    public static InstallOptions Parse(IReadOnlyList<string> args, string home)
    {
        string? project = null;
        bool http = false, statusLine = false, user = false;
        bool? background = null;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--user": user = true; break;
                case "--http": http = true; break;
                case "--statusline": statusLine = true; break;
                case "--async": background = true; break;
                case "--no-async": background = false; break;
                case "--project":
                    project = i + 1 < args.Count ? args[++i] : throw new ArgumentException("--project needs a directory");
                    break;
                default:
                    throw new ArgumentException($"unknown option '{args[i]}'");
            }
        }
        if (user && project is not null)
            throw new ArgumentException("choose --user or --project DIR, not both");
        var settings = project is null
            ? Path.Combine(home, ".claude", "settings.json")
            : Path.Combine(Path.GetFullPath(project), ".claude", "settings.json");
        return new InstallOptions(settings, http, statusLine, background);
    }
}
