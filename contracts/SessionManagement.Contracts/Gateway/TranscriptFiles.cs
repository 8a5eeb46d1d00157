using System.Text.RegularExpressions;

namespace SessionManagement.Contracts.Gateway;

/// <summary>
/// The files of a session's transcript besides its own <c>&lt;session&gt;.jsonl</c>: Claude Code writes each subagent's
/// conversation to <c>&lt;session&gt;/subagents/agent-&lt;id&gt;.jsonl</c> next to it. They are named relative to the session.
/// </summary>
public static partial class TranscriptFiles
{
    /// <summary>The folder of a session's subagent transcripts, relative to the folder of its own.</summary>
    public const string SubagentsFolder = "subagents";

    /// <summary>Whether <paramref name="file"/> names a subagent transcript of a session: <c>subagents/agent-&lt;id&gt;.jsonl</c>.</summary>
    public static bool IsSubagentFile(string? file) => file is not null && SubagentFile().IsMatch(file);

    /// <summary>
    /// The name relative to the session of a transcript file at <paramref name="path"/>: <c>subagents/agent-&lt;id&gt;.jsonl</c> when it
    /// lies in the session's subagents folder, else null (the session's own transcript).
    /// </summary>
    public static string? RelativeName(string sessionId, string path)
    {
        var folder = Path.GetDirectoryName(path);
        if (folder is null || Path.GetFileName(folder) != SubagentsFolder || Path.GetFileName(Path.GetDirectoryName(folder)) != sessionId)
            return null;
        var file = SubagentsFolder + "/" + Path.GetFileName(path);
        return IsSubagentFile(file) ? file : null;
    }

    [GeneratedRegex(@"^subagents/agent-[A-Za-z0-9_.-]{1,200}\.jsonl$", RegexOptions.CultureInvariant)]
    private static partial Regex SubagentFile();
}
