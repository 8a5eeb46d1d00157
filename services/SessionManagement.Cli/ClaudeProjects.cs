using System.Globalization;
using System.Text;
using SessionManagement.Contracts;

namespace SessionManagement.Cli;

/// <summary>
/// Where Claude Code keeps a session's transcript: <c>${CLAUDE_CONFIG_DIR:-~/.claude}/projects/&lt;encoded cwd&gt;/&lt;id&gt;.jsonl</c>,
/// its subagents' in <c>&lt;id&gt;/subagents/</c> beside it. The folder name is Claude Code's own encoding of the working directory.
/// </summary>
internal static class ClaudeProjects
{
    /// <summary>Longer encoded paths are cut there and given a hash of the whole path (as Claude Code 2.1 does).</summary>
    private const int MaxFolderName = 200;

    /// <summary>Claude Code's configuration folder: <c>CLAUDE_CONFIG_DIR</c>, else <c>~/.claude</c>.</summary>
    public static string ConfigDirectory(string? given = null) =>
        given ?? (Environment.GetEnvironmentVariable("CLAUDE_CONFIG_DIR") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetEnvironmentVariable("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".claude"));

    /// <summary>The folder of a project's transcripts: every character of <paramref name="cwd"/> that is not an ASCII letter or digit becomes <c>-</c>.</summary>
    public static string FolderName(string cwd)
    {
        var encoded = new StringBuilder(cwd.Length);
        foreach (var c in cwd) // UTF-16 code units, as JavaScript's replace sees them
            encoded.Append(c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' ? c : '-');
        return encoded.Length <= MaxFolderName ? encoded.ToString() : $"{encoded.ToString(0, MaxFolderName)}-{Hash(cwd)}";
    }

    /// <summary>
    /// A project folder as Claude Code names it: absolute, each symbolic link on its way followed (Claude Code takes its working
    /// directory from the system, which resolves them: <c>~/code/app</c> through a linked <c>~/code</c> is the link's target), without a
    /// trailing separator. Where a part of it does not exist here, the rest is taken as given.
    /// </summary>
    public static string ProjectFolder(string given) => Resolved(Path.GetFullPath(given), 0);

    private static string Resolved(string full, int depth)
    {
        var root = Path.GetPathRoot(full)!;
        var resolved = root;
        var parts = full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            var next = Path.Combine(resolved, parts[i]);
            // A link's target may hold links of its own: the rest of the path is resolved again from it (40 links at most, as the system).
            if (depth < 40 && new DirectoryInfo(next) is { LinkTarget: not null } link && link.ResolveLinkTarget(returnFinalTarget: true) is { } target)
                return Resolved(Path.Combine([target.FullName, .. parts[(i + 1)..]]), depth + 1);
            resolved = next;
        }
        return resolved;
    }

    /// <summary>The path of a session's transcript file (<paramref name="file"/> null) or of one of its subagents' (<c>subagents/agent-…jsonl</c>).</summary>
    public static string TranscriptPath(string configDirectory, string cwd, string sessionId, string? file = null) =>
        InFolder(Path.Combine(configDirectory, "projects", FolderName(cwd)), sessionId, file);

    /// <summary>The same path in a project's transcript folder <paramref name="folder"/> (<c>projects/&lt;encoded cwd&gt;</c>).</summary>
    public static string InFolder(string folder, string sessionId, string? file = null) =>
        file is null ? Path.Combine(folder, sessionId + ".jsonl") : Path.Combine(folder, sessionId, file.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>
    /// The project folder (<c>projects/&lt;encoded cwd&gt;</c>) where Claude Code holds the session's transcript, whichever project's it
    /// is; null when none does. Claude Code 2.1.332 resumes a session by its id from any folder and goes on writing its file where it lies.
    /// </summary>
    public static string? FolderHolding(string configDirectory, string sessionId) =>
        ProjectFoldersFor(configDirectory, sessionId).FirstOrDefault(p => File.Exists(Path.Combine(p, sessionId + ".jsonl")));

    /// <summary>Every project's transcript folder, in order, where a session's files may lie; none when <paramref name="sessionId"/> would name a path.</summary>
    public static IEnumerable<string> ProjectFoldersFor(string configDirectory, string sessionId)
    {
        var projects = Path.Combine(configDirectory, "projects");
        return !Directory.Exists(projects) || sessionId.IndexOfAny(['/', '\\']) >= 0 || sessionId is "." or ".."
            ? []
            : Directory.EnumerateDirectories(projects).Order(StringComparer.Ordinal);
    }

    /// <summary>Java's string hash over UTF-16 code units, its absolute value in base 36 (what Claude Code appends to a cut folder name).</summary>
    private static string Hash(string text)
    {
        var hash = 0;
        foreach (var c in text)
            hash = unchecked((hash << 5) - hash + c);
        var value = Math.Abs((long)hash);
        const string digits = "0123456789abcdefghijklmnopqrstuvwxyz";
        if (value == 0)
            return "0";
        var result = new StringBuilder();
        for (; value > 0; value /= 36)
            result.Insert(0, digits[(int)(value % 36)]);
        return result.ToString();
    }

    /// <summary>A count for people: 12,345.</summary>
    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>
    /// When the folder a session ran in is not on this machine: the checkout to give it to instead, when it ran in a worktree Claude
    /// Code made and the worktree is gone but not its checkout (<see cref="ProjectFolders"/>); else null, any folder the user names.
    /// </summary>
    public static string? CheckoutToResumeIn(string folder) =>
        ProjectFolders.CheckoutOf(folder) is { } checkout && Directory.Exists(checkout) ? checkout : null;
}
