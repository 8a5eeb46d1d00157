using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Unicode;
using MassTransit;
using Microsoft.Extensions.Logging;
using SessionManagement.Bridge.Privacy;
using SessionManagement.Contracts.Gateway;

namespace SessionManagement.Gateway.Transcripts;

/// <summary>
/// Takes in the files of a session's <c>tool-results</c> folder beside its transcript (<c>&lt;folder&gt;/&lt;session&gt;/tool-results/</c>).
/// Claude Code 2.1.332 saves there the output of a tool call too large for the transcript (over 30,000 characters of a command's
/// output, up to 64 MB), and the transcript line keeps only its first 2 KB and the file's path: the hooks get no more than the line.
/// Each file is read whole once it is there (Claude Code writes it before the line that names it, and never again), its secrets
/// masked when it is text, and kept by chat. A file taken in is remembered by a cursor at its length holding its SHA-256, so it is read
/// again only when it changes. Claude Code's file checkpoints (<c>&lt;config&gt;/file-history/&lt;session&gt;/</c>, the copies of the files a
/// session changed, which <c>--rewind-files</c> and <c>/rewind</c> put back) are taken the same way, named <c>file-history/&lt;name&gt;</c>,
/// and its task list (<c>&lt;config&gt;/tasks/&lt;session&gt;/</c>) whole as one file, <see cref="TaskListFiles.KeptName"/>.
/// </summary>
internal sealed class ToolResultFiles(
    IBus bus,
    TranscriptPathPolicy policy,
    ITranscriptCursorStore cursors,
    SecretRedactor redactor,
    TimeProvider time,
    ILogger<ToolResultFiles> logger)
{
    /// <summary>
    /// The files this process shipped or found shipped, as they were then: a poll passes over them without asking the cursor store. At
    /// most <see cref="MostSeen"/>, then forgotten all at once (each costs the next poll a cursor read).
    /// </summary>
    private readonly ConcurrentDictionary<string, (long Length, DateTime WrittenAt)> _seen = new(StringComparer.Ordinal);

    private const int MostSeen = 20_000;

    /// <summary>The session's <c>tool-results</c> folder beside its transcript at <paramref name="transcriptPath"/>.</summary>
    public static string FolderOf(string sessionId, string transcriptPath) =>
        Path.Combine(Path.GetDirectoryName(transcriptPath) ?? ".", sessionId, TranscriptFiles.ToolResultsFolder);

    /// <summary>
    /// A tool output file as chat keeps it: its secrets masked when it is UTF-8 text (an image is kept as it is), packed, with the SHA-256
    /// of the bytes read.
    /// </summary>
    public ToolResultCaptured Capture(string sessionId, string name, byte[] bytes, string host, string user)
    {
        var kept = Utf8.IsValid(bytes) ? redactor.RedactBytes(bytes) : bytes;
        var (content, encoding) = TranscriptContent.Pack(kept, compress: true);
        return new ToolResultCaptured(sessionId, name, Sha256(bytes), kept.Length, content, encoding, time.GetUtcNow(), host, user);
    }

    private void Seen(FileInfo file)
    {
        if (_seen.Count >= MostSeen)
            _seen.Clear();
        _seen[file.FullName] = (file.Length, file.LastWriteTimeUtc);
    }

    /// <summary>The SHA-256 of <paramref name="bytes"/>, in lower-case hex: what a tool output file is known by.</summary>
    public static string Sha256(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>
    /// Ships each file of the session's <c>tool-results</c> folder, and of its file checkpoints' folder when its transcript lies where
    /// Claude Code places it (<see cref="TranscriptPathPolicy.ClaudeFolderOf"/>), not shipped before or changed since, and its task list
    /// when it changed; returns how many went. A session deleted for good takes only the files written since its deletion. Links, other names and files over 64 MB
    /// are passed over.
    /// </summary>
    public async Task<int> ShipFolderAsync(string sessionId, string transcriptPath, string host, string user, CancellationToken cancellationToken)
    {
        var shipped = await ShipFilesAsync(sessionId, FolderOf(sessionId, transcriptPath), "", TranscriptFiles.IsToolResultName, host, user, cancellationToken);
        if (policy.ClaudeFolderOf(sessionId, transcriptPath, TranscriptFiles.FileHistoryFolder) is { } history)
            shipped += await ShipFilesAsync(sessionId, history, TranscriptFiles.FileBackupPrefix, TranscriptFiles.IsFileBackupName, host, user, cancellationToken);
        if (policy.ClaudeFolderOf(sessionId, transcriptPath, TaskListFiles.Folder) is { } tasks && await ShipTaskListAsync(sessionId, tasks, host, user, cancellationToken))
            shipped++;
        return shipped;
    }

    /// <summary>
    /// Ships the session's task list (<see cref="TaskListFiles"/>) whole when it changed since it was last shipped: read again only when a
    /// file of it was added, written or deleted since this process last looked.
    /// </summary>
    private async Task<bool> ShipTaskListAsync(string sessionId, string folder, string host, string user, CancellationToken cancellationToken)
    {
        DateTime written;
        try
        {
            var directory = new DirectoryInfo(folder);
            if (!directory.Exists)
                return false;
            written = directory.LastWriteTimeUtc; // a file added or deleted
            foreach (var file in directory.GetFiles())
                written = file.LastWriteTimeUtc > written ? file.LastWriteTimeUtc : written;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        if (_seen.TryGetValue(folder, out var seen) && seen.WrittenAt == written)
            return false;
        if (TaskListFiles.Read(folder) is not { } list)
            return false;
        var sha = Sha256(list.Bundle);
        var cursor = await cursors.GetAsync(sessionId, folder, cancellationToken);
        var shipped = false;
        if (cursor?.Fingerprint != sha)
        {
            if (await cursors.DeletedAsync(sessionId, cancellationToken) is { } deleted && written < deleted.DeletedAt.UtcDateTime)
                return false; // what was deleted for good stays deleted
            await bus.Publish(Capture(sessionId, TaskListFiles.KeptName, list.Bundle, host, user), cancellationToken);
            await cursors.SaveAsync(new TranscriptCursor(sessionId, folder, list.Bundle.Length, sha, time.GetUtcNow()), cancellationToken);
            shipped = true;
        }
        if (_seen.Count >= MostSeen)
            _seen.Clear();
        _seen[folder] = (list.Bundle.Length, written);
        return shipped;
    }

    private async Task<int> ShipFilesAsync(string sessionId, string folder, string prefix, Func<string, bool> named, string host, string user,
        CancellationToken cancellationToken)
    {
        FileInfo[] files;
        try
        {
            var directory = new DirectoryInfo(folder);
            if (!directory.Exists || directory.LinkTarget is not null)
                return 0;
            files = directory.GetFiles();
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
        var shipped = 0;
        DeletedSession? deleted = null;
        var deletionRead = false;
        foreach (var file in files.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            if (!named(file.Name) || file.LinkTarget is not null || file.Length > TranscriptFiles.MaxToolResultBytes)
                continue;
            if (_seen.TryGetValue(file.FullName, out var seen) && seen == (file.Length, file.LastWriteTimeUtc))
                continue;
            var cursor = await cursors.GetAsync(sessionId, file.FullName, cancellationToken);
            if (cursor is not null && cursor.Offset == file.Length && file.LastWriteTimeUtc <= cursor.UpdatedAt.UtcDateTime)
            {
                Seen(file);
                continue;
            }
            if (!deletionRead)
                (deleted, deletionRead) = (await cursors.DeletedAsync(sessionId, cancellationToken), true);
            if (deleted is not null && file.LastWriteTimeUtc < deleted.DeletedAt.UtcDateTime)
                continue; // what was deleted for good stays deleted
            byte[] bytes;
            try
            {
                bytes = await File.ReadAllBytesAsync(file.FullName, cancellationToken);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning("File {Path} of session {SessionId} could not be read: {Problem}; the next pass tries again", file.FullName, sessionId, error.Message);
                continue;
            }
            var sha = Sha256(bytes);
            if (cursor?.Fingerprint != sha)
            {
                await bus.Publish(Capture(sessionId, prefix + file.Name, bytes, host, user), cancellationToken);
                shipped++;
            }
            await cursors.SaveAsync(new TranscriptCursor(sessionId, file.FullName, bytes.Length, sha, time.GetUtcNow()), cancellationToken);
            Seen(file);
        }
        if (shipped > 0)
            logger.LogDebug("Shipped {Files} files of session {SessionId} from {Folder}", shipped, sessionId, folder);
        return shipped;
    }
}
