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

    /// <summary>
    /// The folder, beside Claude Code's <c>projects</c> folder, of its file checkpoints: before a tool first changes a file in a turn,
    /// Claude Code copies it to <c>file-history/&lt;session&gt;/&lt;name&gt;</c>, and the transcript's <c>file-history-snapshot</c> and
    /// <c>file-history-delta</c> lines name the copy (<c>backupFileName</c>). <c>claude --resume &lt;id&gt; --rewind-files &lt;uuid&gt;</c>
    /// and <c>/rewind</c> put the files back from these copies, and fail ("backup missing") without them.
    /// </summary>
    public const string FileHistoryFolder = "file-history";

    /// <summary>What a file checkpoint's name is prefixed with where it is kept beside the session's tool outputs.</summary>
    public const string FileBackupPrefix = FileHistoryFolder + "/";

    /// <summary>
    /// Whether <paramref name="name"/> can be the name Claude Code gives a file checkpoint: 16 (or 64) lower-case hex digits of the
    /// file's path, <c>@v</c> and its version (2.1.332's own rule).
    /// </summary>
    public static bool IsFileBackupName(string? name) => name is not null && FileBackupName().IsMatch(name);

    /// <summary>
    /// Whether <paramref name="name"/> names a file kept with a session's transcript: a tool output file's own name,
    /// <c>file-history/&lt;name&gt;</c> for a file checkpoint, or <see cref="TaskListFiles.KeptName"/> for its task list.
    /// </summary>
    public static bool IsKeptFileName(string? name) =>
        IsToolResultName(name) || name == TaskListFiles.KeptName
        || (name is not null && name.StartsWith(FileBackupPrefix, StringComparison.Ordinal) && IsFileBackupName(name[FileBackupPrefix.Length..]));

    /// <summary>
    /// The session's own folder in <paramref name="folder"/> of Claude Code's folder (<c>file-history</c>, <c>tasks</c>) when its transcript
    /// at <paramref name="transcriptPath"/> lies in <paramref name="projectsFolder"/> as Claude Code places it
    /// (<c>&lt;config&gt;/projects/&lt;project&gt;/&lt;session&gt;.jsonl</c>, so <c>&lt;config&gt;/&lt;folder&gt;/&lt;session&gt;</c>); else null.
    /// </summary>
    public static string? ClaudeFolderOf(string sessionId, string transcriptPath, string projectsFolder, string folder)
    {
        var projects = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(transcriptPath)));
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(projectsFolder));
        if (projects is null || projects != root || Path.GetFileName(root) != "projects" || Path.GetFileName(transcriptPath) != sessionId + ".jsonl")
            return null;
        return Path.Combine(Path.GetDirectoryName(root)!, folder, sessionId);
    }

    [GeneratedRegex(@"^[0-9a-f]{16}(?:[0-9a-f]{48})?@v[0-9]{1,9}\z", RegexOptions.CultureInvariant)]
    private static partial Regex FileBackupName();

    [GeneratedRegex(@"^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,199}\z", RegexOptions.CultureInvariant)]
    private static partial Regex ToolResultName();

    [GeneratedRegex(@"^subagents/agent-[A-Za-z0-9_.-]{1,200}\.jsonl$", RegexOptions.CultureInvariant)]
    private static partial Regex SubagentFile();
}
