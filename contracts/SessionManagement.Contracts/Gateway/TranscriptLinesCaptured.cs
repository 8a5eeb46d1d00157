namespace SessionManagement.Contracts.Gateway;

/// <summary>
/// A bounded batch of raw lines read from a session's transcript JSONL file, shipped verbatim because
/// the transcript format changes between Claude Code versions. The lines travel as one block of bytes,
/// compressed when that pays (<see cref="TranscriptContent"/>): no escaping on the wire, and the chat module keeps
/// the block as it arrived.
/// </summary>
/// <param name="BatchId">Unique per batch; with the offsets it makes re-shipping the same bytes a no-op.</param>
/// <param name="SessionId">The session the transcript belongs to.</param>
/// <param name="TranscriptPath">The transcript file the lines came from.</param>
/// <param name="StartOffset">Byte offset of the first line in the file.</param>
/// <param name="EndOffset">Byte offset just past the last complete line shipped.</param>
/// <param name="LineCount">How many lines <paramref name="Content"/> holds.</param>
/// <param name="Content">The complete lines in file order, UTF-8, each ending in <c>\n</c>, encoded as <paramref name="ContentEncoding"/> says.</param>
/// <param name="ContentEncoding"><see cref="TranscriptContent.Brotli"/>, <see cref="TranscriptContent.Plain"/>, or <see cref="TranscriptContent.Gzip"/> from a gateway of before.</param>
/// <param name="CapturedAt">When the gateway read the lines.</param>
/// <param name="Host">The machine the transcript lives on.</param>
/// <param name="User">The operating-system user who owns the session.</param>
/// <param name="File">
/// Which of the session's transcript files the lines come from, relative to the session: null for its own transcript,
/// <c>subagents/agent-&lt;id&gt;.jsonl</c> for a subagent's (<see cref="TranscriptFiles.IsSubagentFile"/>).
/// </param>
/// <param name="ContentHandle">
/// Set inside one process instead of <paramref name="Content"/> (then empty): the content is held by <see cref="InProcessContent"/>.
/// </param>
public record TranscriptLinesCaptured(
    Guid BatchId,
    string SessionId,
    string TranscriptPath,
    long StartOffset,
    long EndOffset,
    int LineCount,
    byte[] Content,
    string ContentEncoding,
    DateTimeOffset CapturedAt,
    string Host,
    string User,
    Guid? ContentHandle = null,
    string? File = null)
{
    /// <summary>
    /// The packed lines, from the message or, handed over inside the process, leased from <see cref="InProcessContent"/>: readable
    /// until the lease is disposed.
    /// </summary>
    public ContentLease PackedContent() => ContentHandle is { } handle ? InProcessContent.Lease(handle) : new ContentLease(Content);

    /// <summary>The lines as text, without their terminators.</summary>
    public IReadOnlyList<string> ReadLines()
    {
        using var content = PackedContent();
        using var lines = TranscriptContent.Open(content.Bytes, ContentEncoding);
        return TranscriptContent.Lines(lines.Bytes.Span);
    }
}
