using Microsoft.Extensions.Configuration;

namespace SessionManagement.Hosting.Configuration;

/// <summary>
/// The configuration layers, weakest first: built-in defaults (the option classes), the user's
/// <c>~/.claude/session-management.json</c>, the project's <c>.claude/session-management.json</c>,
/// <c>SM_</c>-prefixed environment variables, then the command line.
/// </summary>
public static class ConfigurationLayers
{
    public const string EnvironmentPrefix = "SM_";
    public const string FileName = "session-management.json";

    public static string UserFile(string homeDirectory) => Path.Combine(homeDirectory, ".claude", FileName);

    public static string ProjectFile(string projectDirectory) => Path.Combine(projectDirectory, ".claude", FileName);

    public static IConfigurationBuilder AddSessionManagementLayers(
        this IConfigurationBuilder configuration, string[] args, string homeDirectory, string projectDirectory)
    {
        configuration.AddJsonFile(UserFile(homeDirectory), optional: true, reloadOnChange: false);
        var projectFile = ProjectFile(projectDirectory);
        if (!string.Equals(projectFile, UserFile(homeDirectory), StringComparison.Ordinal))
            configuration.AddJsonFile(projectFile, optional: true, reloadOnChange: false);
        configuration.AddEnvironmentVariables(EnvironmentPrefix);
        configuration.AddCommandLine(args);
        return configuration;
    }

    /// <summary>The project whose <c>.claude/</c> folder is layered in: <c>SM_PROJECT_DIR</c>, else Claude Code's <c>CLAUDE_PROJECT_DIR</c>, else the working directory.</summary>
    public static string ProjectDirectory() =>
        Environment.GetEnvironmentVariable("SM_PROJECT_DIR") is { Length: > 0 } sm ? sm
        : Environment.GetEnvironmentVariable("CLAUDE_PROJECT_DIR") is { Length: > 0 } claude ? claude
        : Directory.GetCurrentDirectory();

    public static string HomeDirectory() =>
        Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } home ? home
        : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
}
