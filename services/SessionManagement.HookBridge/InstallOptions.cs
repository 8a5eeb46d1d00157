namespace SessionManagement.HookBridge;

/// <summary><c>sm-hook install|uninstall [--user | --project DIR] [--http] [--statusline]</c>, parsed.</summary>
internal sealed record InstallOptions(string SettingsPath, bool Http, bool ReplaceStatusLine)
{
    public static InstallOptions Parse(IReadOnlyList<string> args, string home)
    {
        string? project = null;
        bool http = false, statusLine = false, user = false;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--user": user = true; break;
                case "--http": http = true; break;
                case "--statusline": statusLine = true; break;
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
        return new InstallOptions(settings, http, statusLine);
    }
}
