using System.Text.RegularExpressions;

namespace SessionManagement.Contracts.Gateway;

/// <summary>
/// The files of a session's transcript besides its own <c>&lt;session&gt;.jsonl</c>: Claude Code writes each subagent's
/// conversation to <c>&lt;session&gt;/subagents/agent-&lt;id&gt;.jsonl</c> next to it, and a tool's output too large for the
/// transcript to <c>&lt;session&gt;/tool-results/&lt;name&gt;</c>, the transcript keeping its first 2 KB and that file's path. They
/// are named relative to the session.
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

    /// <summary>The folder of a session's tool outputs kept beside its transcript, relative to the folder of its own.</summary>
    public const string ToolResultsFolder = "tool-results";

    /// <summary>
    /// The largest tool output file taken: Claude Code 2.1.332 saves at most the first 64 MB of an output
    /// (<c>MAX_PERSISTED_OUTPUT_BYTES</c>); a file over it is not one of its.
    /// </summary>
    public const long MaxToolResultBytes = 64L * 1024 * 1024;

    /// <summary>
    /// Whether <paramref name="name"/> can be a tool output file's own name in a session's <c>tool-results</c> folder: letters, digits,
    /// <c>_</c>, <c>-</c> and <c>.</c> (Claude Code names them <c>&lt;id&gt;.txt</c>, <c>&lt;tool&gt;-&lt;id&gt;.txt</c>), not starting
    /// with a dot, at most 200 characters.
    /// </summary>
    public static bool IsToolResultName(string? name) => name is not null && ToolResultName().IsMatch(name);

    [GeneratedRegex(@"^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,199}\z", RegexOptions.CultureInvariant)]
    private static partial Regex ToolResultName();

    [GeneratedRegex(@"^subagents/agent-[A-Za-z0-9_.-]{1,200}\.jsonl$", RegexOptions.CultureInvariant)]
    private static partial Regex SubagentFile();
}
