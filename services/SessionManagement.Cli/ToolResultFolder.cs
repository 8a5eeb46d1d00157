using System.Security.Cryptography;
using System.Text;
using SessionManagement.Contracts.Gateway;

namespace SessionManagement.Cli;

/// <summary>One file of a session's <c>tool-results</c> folder on disk: a tool's full output, which the transcript names but does not hold.</summary>
internal sealed record ToolResultFile(string Name, string Path, long Bytes);

/// <summary>What an import sent of a session's files beside its transcript, and found held already: tool outputs, file checkpoints, task list.</summary>
internal sealed record SideFiles((int Imported, int Held) ToolOutputs, (int Imported, int Held) Checkpoints, (int Imported, int Held) TaskList)
{
    public static readonly SideFiles None = new((0, 0), (0, 0), (0, 0));
}

/// <summary>
/// A session's <c>tool-results</c> folder beside its transcript (<c>&lt;folder&gt;/&lt;session&gt;/tool-results/</c>), as Claude Code 2.1.332
/// keeps it: the output of a tool call too large for the transcript, whose line holds its first 2 KB and the file's path.
/// </summary>
internal static class ToolResultFolder
{
    /// <summary>The files of the session's folder beside <paramref name="transcriptPath"/> that can be Claude Code's: no link, no other name, none over 64 MB.</summary>
    public static IReadOnlyList<ToolResultFile> Find(string sessionId, string transcriptPath) =>
        FilesOf(Path.Combine(Path.GetDirectoryName(transcriptPath) ?? ".", sessionId, TranscriptFiles.ToolResultsFolder), TranscriptFiles.IsToolResultName);

    /// <summary>
    /// Claude Code's file checkpoints of the session whose transcript is <paramref name="transcriptPath"/>, when that lies where Claude Code
    /// places it (<c>&lt;config&gt;/projects/&lt;project&gt;/&lt;session&gt;.jsonl</c>): the files of <c>&lt;config&gt;/file-history/&lt;session&gt;/</c>.
    /// </summary>
    public static IReadOnlyList<ToolResultFile> FindCheckpoints(string sessionId, string transcriptPath) =>
        ClaudeFolder(sessionId, transcriptPath, TranscriptFiles.FileHistoryFolder) is { } folder ? FilesOf(folder, TranscriptFiles.IsFileBackupName) : [];

    /// <summary>
    /// Claude Code's task list of the session whose transcript is <paramref name="transcriptPath"/> (<c>&lt;config&gt;/tasks/&lt;session&gt;/</c>,
    /// when the transcript lies where Claude Code places it), as the store keeps it whole (<see cref="TaskListFiles"/>); null when there is none.
    /// </summary>
    public static byte[]? FindTaskList(string sessionId, string transcriptPath) =>
        ClaudeFolder(sessionId, transcriptPath, TaskListFiles.Folder) is { } folder ? TaskListFiles.Read(folder)?.Bundle : null;

    /// <summary>The session's own folder in <paramref name="folder"/> of the Claude Code folder whose <c>projects</c> holds the transcript.</summary>
    public static string? ClaudeFolder(string sessionId, string transcriptPath, string folder) =>
        Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(transcriptPath))) is { } projects
            ? TranscriptFiles.ClaudeFolderOf(sessionId, transcriptPath, projects, folder)
            : null;

    /// <summary>What the store keeps of the session's task list: the SHA-256 of the list it was read from, and its files; null when none.</summary>
    public static async Task<(string SourceSha256, IReadOnlyList<(string Name, string Text)> Files)?> KeptTaskListAsync(GatewayClient client, string sessionId,
        CancellationToken cancellationToken)
    {
        if (await client.GetJsonAsync($"api/sessions/{Uri.EscapeDataString(sessionId)}/tasks", cancellationToken, missingIsNull: true) is not { } kept)
            return null;
        return (kept.GetProperty("sourceSha256").GetString()!,
            kept.GetProperty("files").EnumerateObject().Select(f => (f.Name, f.Value.GetString()!)).ToList());
    }

    private static IReadOnlyList<ToolResultFile> FilesOf(string path, Func<string?, bool> named)
    {
        var folder = new DirectoryInfo(path);
        try
        {
            if (!folder.Exists || folder.LinkTarget is not null)
                return [];
            return folder.GetFiles()
                .Where(f => named(f.Name) && f.LinkTarget is null && f.Length <= TranscriptFiles.MaxToolResultBytes)
                .Select(f => new ToolResultFile(f.Name, f.FullName, f.Length)).OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>The SHA-256 of <paramref name="bytes"/>, in lower-case hex.</summary>
    public static string Sha256Of(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>The SHA-256 of a file, in lower-case hex, as the gateway names what it read (<c>sha256</c>).</summary>
    public static string Sha256(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(file));
    }

    /// <summary>
    /// What the store keeps of the session's tool outputs (or of its file checkpoints, <paramref name="folder"/> <c>file-history</c>): each
    /// file's name, and the SHA-256 of the file it was read from.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, string>> KeptAsync(GatewayClient client, string sessionId, CancellationToken cancellationToken,
        string folder = TranscriptFiles.ToolResultsFolder)
    {
        var kept = new Dictionary<string, string>(StringComparer.Ordinal);
        if (await client.GetJsonAsync($"api/sessions/{Uri.EscapeDataString(sessionId)}/{folder}", cancellationToken, missingIsNull: true) is { } held)
            foreach (var file in held.GetProperty("files").EnumerateArray())
                kept[file.GetProperty("name").GetString()!] = file.GetProperty("sourceSha256").GetString()!;
        return kept;
    }

    /// <summary>
    /// Sends the store the session's tool outputs, its file checkpoints and its task list, those it does not hold as they are on disk (by
    /// their SHA-256, not their name); returns how many of each went and how many were held already.
    /// </summary>
    public static async Task<SideFiles> ImportAsync(GatewayClient client, string sessionId, string transcriptPath, CancellationToken cancellationToken) =>
        new(await SendAsync(client, sessionId, Find(sessionId, transcriptPath), TranscriptFiles.ToolResultsFolder, cancellationToken),
            await SendAsync(client, sessionId, FindCheckpoints(sessionId, transcriptPath), TranscriptFiles.FileHistoryFolder, cancellationToken),
            await SendTaskListAsync(client, sessionId, transcriptPath, cancellationToken));

    /// <summary>Sends the session's task list when the store does not hold it as it is now (by its SHA-256).</summary>
    private static async Task<(int Imported, int Held)> SendTaskListAsync(GatewayClient client, string sessionId, string transcriptPath, CancellationToken cancellationToken)
    {
        if (FindTaskList(sessionId, transcriptPath) is not { } list)
            return (0, 0);
        if ((await KeptTaskListAsync(client, sessionId, cancellationToken))?.SourceSha256 == Sha256Of(list))
            return (0, 1);
        await client.SendBytesAsync(HttpMethod.Put, $"api/sessions/{Uri.EscapeDataString(sessionId)}/tasks", list, "application/json", cancellationToken);
        return (1, 0);
    }

    private static async Task<(int Imported, int Held)> SendAsync(GatewayClient client, string sessionId, IReadOnlyList<ToolResultFile> files,
        string folder, CancellationToken cancellationToken)
    {
        if (files.Count == 0)
            return (0, 0);
        var kept = await KeptAsync(client, sessionId, cancellationToken, folder);
        var (imported, held) = (0, 0);
        foreach (var file in files)
        {
            if (kept.TryGetValue(file.Name, out var sha) && sha == Sha256(file.Path))
            {
                held++;
                continue;
            }
            await client.SendFileAsync(HttpMethod.Put, $"api/sessions/{Uri.EscapeDataString(sessionId)}/{folder}/{Uri.EscapeDataString(file.Name)}",
                file.Path, "application/octet-stream", cancellationToken);
            imported++;
        }
        return (imported, held);
    }

    /// <summary>
    /// Where the transcript at <paramref name="transcriptPath"/> says the session's tool outputs lie, up to <c>/&lt;session&gt;/tool-results/</c>
    /// (Claude Code's projects folder of the project, on the machine that ran it), as the JSON of a line writes it and as a path: from a
    /// <c>"persistedOutputPath"</c> (<paramref name="named"/>, <see cref="Named"/>'s), else from a path the text names under the project's own
    /// folder (read only then). Null when it names none.
    /// </summary>
    public static async Task<(string Json, string Path)?> FolderNamedAsync(IReadOnlyList<(string Folder, string Session, string Name)> named,
        string transcriptPath, string sessionId, string cwd, CancellationToken cancellationToken)
    {
        var json = named.FirstOrDefault(n => n.Session == sessionId).Folder
            ?? SavedTo(await File.ReadAllTextAsync(transcriptPath, cancellationToken), sessionId, cwd);
        return json is null ? null : (json, System.Text.Json.JsonSerializer.Deserialize<string>("\"" + json + "\"")!);
    }

    /// <summary>Another tool's output: its text names the file (…saved to: &lt;path&gt;) under the project's folder of Claude Code's projects.</summary>
    private static string? SavedTo(string transcript, string sessionId, string cwd)
    {
        var tail = "/" + sessionId + "/" + TranscriptFiles.ToolResultsFolder + "/";
        var folder = "/projects/" + ClaudeProjects.FolderName(cwd) + tail;
        var named = transcript.IndexOf(folder, StringComparison.Ordinal);
        if (named < 0)
            return null;
        var begins = transcript.LastIndexOfAny([' ', '"', '\n'], named) + 1;
        return transcript[begins..(named + folder.Length - tail.Length)];
    }

    /// <summary>
    /// The transcript with each path into the tool outputs of <paramref name="sessionIds"/> under <paramref name="from"/> (as
    /// <see cref="FolderNamedAsync"/> gives it in JSON) moved under <paramref name="to"/>, the folder they are restored to; the rest byte for byte.
    /// </summary>
    public static byte[] Rehome(byte[] transcript, IEnumerable<string> sessionIds, string from, string to)
    {
        var text = Encoding.UTF8.GetString(transcript);
        var moved = text;
        foreach (var tail in sessionIds.Select(id => "/" + id + "/" + TranscriptFiles.ToolResultsFolder + "/"))
            moved = moved.Replace(from + tail, TranscriptText.JsonString(to)[1..^1] + tail, StringComparison.Ordinal);
        return moved == text ? transcript : Encoding.UTF8.GetBytes(moved);
    }

    /// <summary>
    /// The tool output files a transcript's lines name (each <c>"persistedOutputPath"</c>: <c>&lt;folder&gt;/&lt;session&gt;/tool-results/&lt;name&gt;</c>,
    /// the folder as the JSON writes it), read a megabyte at a time without decoding the file. A session Claude Code forked
    /// (<c>--fork-session</c>) names its parent's files, which it never copies.
    /// </summary>
    public static IReadOnlyList<(string Folder, string Session, string Name)> Named(string transcriptPath)
    {
        var key = "\"persistedOutputPath\":\""u8.ToArray();
        var tail = Encoding.UTF8.GetBytes("/" + TranscriptFiles.ToolResultsFolder + "/");
        const int keep = 8 * 1024; // a value cut by the buffer's end is read whole with the next
        var found = new List<(string, string, string)>();
        using var file = File.OpenRead(transcriptPath);
        var buffer = new byte[(1 << 20) + keep];
        var held = 0;
        while (true)
        {
            var read = file.Read(buffer, held, buffer.Length - held);
            var end = held + read;
            var span = buffer.AsSpan(0, end);
            var scanned = read == 0 ? end : Math.Max(0, end - keep);
            for (var at = span.IndexOf(key); at >= 0 && at < scanned; at = span[(at + 1)..].IndexOf(key) is var next and >= 0 ? at + 1 + next : -1)
            {
                var value = span[(at + key.Length)..];
                var close = value.IndexOf((byte)'"');
                if (close < 0)
                    continue;
                var path = value[..close];
                var split = path.LastIndexOf(tail);
                var owner = split < 0 ? -1 : path[..split].LastIndexOf((byte)'/');
                if (owner < 0 || !TranscriptFiles.IsToolResultName(Encoding.UTF8.GetString(path[(split + tail.Length)..])))
                    continue;
                found.Add((Encoding.UTF8.GetString(path[..owner]), Encoding.UTF8.GetString(path[(owner + 1)..split]),
                    Encoding.UTF8.GetString(path[(split + tail.Length)..])));
            }
            if (read == 0)
                return found.Distinct().ToList();
            span[scanned..].CopyTo(buffer);
            held = end - scanned;
        }
    }
}
