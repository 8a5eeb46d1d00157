namespace SessionManagement.Contracts.Chat;

/// <summary>
/// Asks the chat module for a session's transcript lines as Claude Code wrote them, in file order (by byte offset), after
/// <paramref name="AfterOffset"/>: the ground a JSONL export and a restore stand on. Answered with <see cref="TranscriptLinesPage"/>.
/// </summary>
/// <param name="SessionId">The session.</param>
/// <param name="AfterOffset">The offset of the last line already read; -1 from the start.</param>
/// <param name="Limit">The most lines to return (the chat module caps it).</param>
/// <param name="File">Which of the session's transcript files: null for its own, else a subagent's (<c>subagents/agent-&lt;id&gt;.jsonl</c>).</param>
/// <param name="HandOver">
/// The asker runs in the chat module's process (the embedded host's in-memory bus): the page may be handed over there
/// (<see cref="TranscriptLinesPage.Handle"/>) instead of written out and read back by the bus's serializer.
/// </param>
public record GetTranscriptLines(string SessionId, long AfterOffset, int Limit, string? File = null, bool HandOver = false);

/// <summary>Asks the chat module which transcript files of a session it holds lines of; answered with <see cref="TranscriptFilesHeld"/>.</summary>
public record ListTranscriptFiles(string SessionId);

/// <summary>The transcript files of a session chat holds lines of: its own first (<see cref="TranscriptFileView.File"/> null), then its subagents'.</summary>
public record TranscriptFilesHeld(string SessionId, IReadOnlyList<TranscriptFileView> Files);

/// <summary>
/// One transcript file of a session: its name relative to the session (null for the session's own), how many of its lines chat
/// holds, and the byte offset of the first of them — above 0 when the file's start is not held (trimmed by
/// <c>chat_management.history_retention</c>, or never shipped). <see cref="Digest"/> is what the held lines come to
/// (<see cref="TranscriptDigest"/>) by the hash <see cref="DigestAlgorithm"/> names, when chat knows it: not for lines stored before
/// it kept digests, nor after a trim, nor on MongoDB.
/// </summary>
/// <param name="File">The file's name relative to the session; null for the session's own.</param>
/// <param name="Lines">How many of its lines chat holds.</param>
/// <param name="FirstOffset">The byte offset of the first of them.</param>
/// <param name="Digest">What the held lines come to, as <see cref="TranscriptDigest.Text"/> gives it.</param>
/// <param name="DigestAlgorithm">The hash each line counts as: <see cref="TranscriptDigest.XxHash128"/> or <see cref="TranscriptDigest.Sha256"/>.</param>
public record TranscriptFileView(string? File, long Lines, long FirstOffset = 0, string? Digest = null, string? DigestAlgorithm = null);

/// <summary>
/// One page of <see cref="GetTranscriptLines"/>: the chat module bounds a page by bytes too, so only an empty page means the end.
/// The lines travel as the file's bytes, not as text: carried as strings, every quote of a transcript's JSON was escaped on the
/// way and unescaped after it, and an export of 100 MB took 5-7 s.
/// </summary>
/// <param name="SessionId">The session.</param>
/// <param name="Offsets">Each line's byte offset in its file, in file order.</param>
/// <param name="Lines">The lines' bytes as they were shipped, each followed by a line break (<c>\n</c>).</param>
/// <param name="Handle">Set when the page was handed over in the process instead (<see cref="Gateway.InProcessContent.Collect{T}"/>): this one is empty.</param>
public record TranscriptLinesPage(string SessionId, IReadOnlyList<long> Offsets, byte[] Lines, Guid? Handle = null)
{
    /// <summary>
    /// A page handed over in the process only: its lines in a pooled buffer (<see cref="Lines"/> then empty), which whoever collects
    /// the page disposes once it has read them. A page of megabytes made anew for each page of an export kept the garbage collector's
    /// background thread busy for a fifth of it. Never serialized: across processes the lines travel in <see cref="Lines"/>.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Gateway.PooledLines? Pooled { get; init; }
}
