using SessionManagement.Chat.Messages;
using SessionManagement.Contracts.Chat;
using SessionManagement.Contracts.Gateway;

namespace SessionManagement.Chat.Storage;

/// <summary>The chat module's messages, per session, with full-text search.</summary>
public interface IChatStore
{
    /// <summary>
    /// Stores messages not stored before (by key, transcript uuid and hook event id), joins a hook's prompt or
    /// reply and the same one read from the transcript into one message, and trims each touched session to its
    /// newest <paramref name="retention"/> messages.
    /// </summary>
    Task<IReadOnlyList<AppendResult>> AppendAsync(IReadOnlyList<ChatMessage> messages, int retention, CancellationToken cancellationToken);

    /// <summary>One page of a session in conversation order (time, then position in the transcript or capture sequence).</summary>
    Task<ChatPage> PageAsync(string sessionId, int skip, int limit, bool includeRecords, bool includeRaw, CancellationToken cancellationToken);

    /// <summary>The session's last <paramref name="limit"/> conversation messages of <paramref name="role"/>, oldest first (none of a subagent's).</summary>
    Task<IReadOnlyList<ChatMessage>> LatestAsync(string sessionId, string role, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// What the session's transcript lines say about the session; null when chat holds none of them. Its git branch is that of the
    /// latest line stored with one; lines stored before chat kept their branch (<see cref="LinesPredateBranchesAsync"/>) name none here.
    /// </summary>
    Task<TranscriptSummarized?> SummarizeAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>Whether some of the session's lines were stored before chat kept each line's git branch: their raw lines alone say it.</summary>
    Task<bool> LinesPredateBranchesAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>
    /// The lines of one of the session's transcript files (<paramref name="file"/> empty for its own, else a subagent's) after
    /// <paramref name="afterOffset"/>, in file order (by byte offset), each as it was shipped: at most <paramref name="limit"/>, and
    /// past the first only while the lines before come to less than <paramref name="maxBytes"/>.
    /// </summary>
    Task<TranscriptBytes> TranscriptLinesAsync(string sessionId, string file, long afterOffset, int limit, long maxBytes,
        CancellationToken cancellationToken);

    /// <summary>
    /// The session's transcript files chat holds lines of (empty for its own), in name order, with how many lines of each, the first
    /// one's offset, and the held lines' digest with the hash it counts them by (<see cref="SessionManagement.Contracts.Chat.TranscriptDigest"/>) when known.
    /// </summary>
    Task<IReadOnlyList<(string File, long Lines, long FirstOffset, UInt128? Digest, string? DigestAlgorithm)>> TranscriptFilesAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>The sessions chat holds transcript lines of, in id order: at most <paramref name="limit"/>, after <paramref name="after"/> (null: from the first).</summary>
    Task<IReadOnlyList<string>> TranscriptSessionsAsync(string? after, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Keeps a file of the session's <c>tool-results</c> folder, replacing one of the same name read from another file; false when a
    /// file of these bytes was kept already.
    /// </summary>
    Task<bool> SaveToolResultAsync(ToolResultCaptured file, CancellationToken cancellationToken);

    /// <summary>The session's tool output files kept, in name order.</summary>
    Task<IReadOnlyList<ToolResultView>> ToolResultsAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>One of the session's tool output files, packed as it was shipped (opened, when sealed); null when none of that name is kept.</summary>
    Task<(byte[] Content, string Encoding)?> ToolResultAsync(string sessionId, string name, CancellationToken cancellationToken);

    /// <summary>Whether the session holds a transcript line with this uuid.</summary>
    Task<bool> HoldsLineAsync(string sessionId, string uuid, CancellationToken cancellationToken);

    /// <summary>Messages whose text has every term, best first. Throws <see cref="SearchUnavailableException"/> when the store cannot search.</summary>
    Task<IReadOnlyList<SearchHit>> SearchAsync(MessageSearch search, CancellationToken cancellationToken);

    /// <summary>Trims every session to its newest <paramref name="retention"/> messages and to at most <paramref name="maxSessionBytes"/> stored bytes, oldest first.</summary>
    Task<(long Trimmed, long Bytes)> CleanupAsync(int retention, long maxSessionBytes, CancellationToken cancellationToken);

    /// <summary>Removes everything the chat module holds of a session; returns how many messages went.</summary>
    Task<long> DeleteSessionAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="DeleteSessionAsync"/> for a session deleted for good: what its rows held is overwritten in the file and the search
    /// index merged, so none of its words stays behind in free pages or index segments.
    /// </summary>
    Task<long> EraseSessionAsync(string sessionId, CancellationToken cancellationToken);
}

/// <summary>
/// Lines of a transcript file as bytes: each line's offset in the file, and the lines' bytes each followed by <c>\n</c>, in a buffer
/// that may be pooled: disposing this gives it back, and whoever takes <see cref="Lines"/> on (a page handed over) disposes that instead.
/// </summary>
public sealed record TranscriptBytes(IReadOnlyList<long> Offsets, SessionManagement.Contracts.Gateway.PooledLines Lines) : IDisposable
{
    public void Dispose() => Lines.Dispose();
}
