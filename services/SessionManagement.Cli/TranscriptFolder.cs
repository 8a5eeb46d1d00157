using System.Text.RegularExpressions;

namespace SessionManagement.Cli;

/// <summary>One transcript file found on disk, and whose it is: a session's own (<see cref="File"/> null) or one of its subagents'.</summary>
internal sealed record FoundTranscript(string Path, string? SessionId, string? File, long Bytes);

/// <summary>Finds Claude Code transcripts under a folder (a projects tree, a project's folder) or takes one file.</summary>
internal static partial class TranscriptFolder
{
    public static IReadOnlyList<FoundTranscript> Find(string path)
    {
        if (System.IO.File.Exists(path))
            return [Describe(System.IO.Path.GetFullPath(path))];
        if (!Directory.Exists(path))
            throw new Commands.CommandFailedException($"{path} is neither a transcript file nor a folder", ExitCodes.BadInput);
        return Directory.EnumerateFiles(path, "*.jsonl", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true })
            .Select(f => Describe(System.IO.Path.GetFullPath(f))).OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
    }

    /// <summary><c>&lt;session&gt;.jsonl</c> is that session's; <c>&lt;session&gt;/subagents/agent-&lt;id&gt;.jsonl</c> one of its subagents'; any other name says nothing (its lines name the session).</summary>
    private static FoundTranscript Describe(string path)
    {
        var bytes = new FileInfo(path).Length;
        var name = System.IO.Path.GetFileNameWithoutExtension(path);
        var folder = System.IO.Path.GetDirectoryName(path);
        if (folder is not null && System.IO.Path.GetFileName(folder) == "subagents" && SubagentName().IsMatch(System.IO.Path.GetFileName(path))
            && System.IO.Path.GetFileName(System.IO.Path.GetDirectoryName(folder)) is { } owner && SessionId().IsMatch(owner))
            return new FoundTranscript(path, owner, "subagents/" + System.IO.Path.GetFileName(path), bytes);
        return new FoundTranscript(path, SessionId().IsMatch(name) ? name : null, null, bytes);
    }

    /// <summary>Lines in a file: its line breaks, and a last line without one.</summary>
    public static long CountLines(string path)
    {
        using var file = System.IO.File.OpenRead(path);
        var buffer = new byte[1 << 16];
        long lines = 0;
        var last = (byte)'\n';
        for (int read; (read = file.Read(buffer)) > 0;)
        {
            lines += buffer.AsSpan(0, read).Count((byte)'\n');
            last = buffer[read - 1];
        }
        return lines + (last == '\n' ? 0 : 1);
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex SessionId();

    [GeneratedRegex(@"^agent-[A-Za-z0-9_.-]{1,200}\.jsonl$")]
    private static partial Regex SubagentName();
}
