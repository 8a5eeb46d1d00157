using System.Security.Cryptography;
using System.Text;
using SessionManagement.Contracts.Gateway;

namespace SessionManagement.Cli;

/// <summary>One file of a session's <c>tool-results</c> folder on disk: a tool's full output, which the transcript names but does not hold.</summary>
internal sealed record ToolResultFile(string Name, string Path, long Bytes);

/// <summary>
/// A session's <c>tool-results</c> folder beside its transcript (<c>&lt;folder&gt;/&lt;session&gt;/tool-results/</c>), as Claude Code 2.1.332
/// keeps it: the output of a tool call too large for the transcript, whose line holds its first 2 KB and the file's path.
/// </summary>
internal static class ToolResultFolder
{
    /// <summary>The files of the session's folder beside <paramref name="transcriptPath"/> that can be Claude Code's: no link, no other name, none over 64 MB.</summary>
    public static IReadOnlyList<ToolResultFile> Find(string sessionId, string transcriptPath)
    {
        var folder = new DirectoryInfo(Path.Combine(Path.GetDirectoryName(transcriptPath) ?? ".", sessionId, TranscriptFiles.ToolResultsFolder));
        try
        {
            if (!folder.Exists || folder.LinkTarget is not null)
                return [];
            return folder.GetFiles()
                .Where(f => TranscriptFiles.IsToolResultName(f.Name) && f.LinkTarget is null && f.Length <= TranscriptFiles.MaxToolResultBytes)
                .Select(f => new ToolResultFile(f.Name, f.FullName, f.Length)).OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>The SHA-256 of a file, in lower-case hex, as the gateway names what it read (<c>sha256</c>).</summary>
    public static string Sha256(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(file));
    }

    /// <summary>What the store keeps of the session's tool outputs: each file's name, and the SHA-256 of the file it was read from.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> KeptAsync(GatewayClient client, string sessionId, CancellationToken cancellationToken)
    {
        var kept = new Dictionary<string, string>(StringComparer.Ordinal);
        if (await client.GetJsonAsync($"api/sessions/{Uri.EscapeDataString(sessionId)}/tool-results", cancellationToken, missingIsNull: true) is { } held)
            foreach (var file in held.GetProperty("files").EnumerateArray())
                kept[file.GetProperty("name").GetString()!] = file.GetProperty("sourceSha256").GetString()!;
        return kept;
    }

    /// <summary>
    /// Sends the store the session's tool outputs it does not hold as they are on disk (by their SHA-256, not their name); returns how many
    /// went and how many were held already.
    /// </summary>
    public static async Task<(int Imported, int Held)> ImportAsync(GatewayClient client, string sessionId, string transcriptPath, CancellationToken cancellationToken)
    {
        var files = Find(sessionId, transcriptPath);
        if (files.Count == 0)
            return (0, 0);
        var kept = await KeptAsync(client, sessionId, cancellationToken);
        var (imported, held) = (0, 0);
        foreach (var file in files)
        {
            if (kept.TryGetValue(file.Name, out var sha) && sha == Sha256(file.Path))
            {
                held++;
                continue;
            }
            await client.SendFileAsync(HttpMethod.Put, $"api/sessions/{Uri.EscapeDataString(sessionId)}/tool-results/{Uri.EscapeDataString(file.Name)}",
                file.Path, "application/octet-stream", cancellationToken);
            imported++;
        }
        return (imported, held);
    }

    /// <summary>
    /// Where the session's transcripts say its tool outputs lie, up to <c>/&lt;session&gt;/tool-results/</c> (Claude Code's projects folder of
    /// the session's project, on the machine that ran it), as the JSON of a line writes it and as a path: from a <c>"persistedOutputPath"</c>,
    /// else from a path ending in the project's own folder. Null when the transcripts name none.
    /// </summary>
    public static (string Json, string Path)? FolderNamed(string transcript, string sessionId, string cwd)
    {
        var json = JsonFolderNamed(transcript, sessionId, cwd);
        return json is null ? null : (json, System.Text.Json.JsonSerializer.Deserialize<string>("\"" + json + "\"")!);
    }

    private static string? JsonFolderNamed(string transcript, string sessionId, string cwd)
    {
        var tail = "/" + sessionId + "/" + TranscriptFiles.ToolResultsFolder + "/";
        const string key = "\"persistedOutputPath\":\"";
        for (var at = transcript.IndexOf(key, StringComparison.Ordinal); at >= 0; at = transcript.IndexOf(key, at + 1, StringComparison.Ordinal))
        {
            var start = at + key.Length;
            var end = transcript.IndexOf('"', start);
            var found = end < 0 ? -1 : transcript.IndexOf(tail, start, end - start, StringComparison.Ordinal);
            if (found > start)
                return transcript[start..found];
        }
        // Another tool's output: its text names the file (…saved to: <path>) under the project's folder of Claude Code's projects.
        var folder = "/projects/" + ClaudeProjects.FolderName(cwd) + tail;
        var named = transcript.IndexOf(folder, StringComparison.Ordinal);
        if (named < 0)
            return null;
        var begins = transcript.LastIndexOfAny([' ', '"', '\n'], named) + 1;
        return transcript[begins..(named + folder.Length - tail.Length)];
    }

    /// <summary>
    /// The transcript with each path into the session's tool outputs under <paramref name="from"/> (as <see cref="FolderNamed"/> gives it in JSON)
    /// moved under <paramref name="to"/>, the folder they are restored to; the rest byte for byte.
    /// </summary>
    public static byte[] Rehome(byte[] transcript, string sessionId, string from, string to)
    {
        var tail = "/" + sessionId + "/" + TranscriptFiles.ToolResultsFolder + "/";
        var text = Encoding.UTF8.GetString(transcript);
        var moved = text.Replace(from + tail, TranscriptText.JsonString(to)[1..^1] + tail, StringComparison.Ordinal);
        return ReferenceEquals(moved, text) || moved == text ? transcript : Encoding.UTF8.GetBytes(moved);
    }
}
