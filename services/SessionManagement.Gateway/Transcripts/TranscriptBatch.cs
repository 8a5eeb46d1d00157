using System.Security.Cryptography;
using System.Text;
using SessionManagement.Bridge.Privacy;
using SessionManagement.Contracts.Gateway;

namespace SessionManagement.Gateway.Transcripts;

/// <summary>
/// Complete lines read from a transcript between two byte offsets: <see cref="Content"/> holds them as UTF-8, each ending in
/// <c>\n</c>, in the reader's buffer: valid until the next batch is read.
/// </summary>
internal sealed record TranscriptBatch(long StartOffset, long EndOffset, int LineCount, ReadOnlyMemory<byte> Content)
{
    /// <summary>The batch with its secrets masked (<see cref="SecretRedactor.RedactLines"/>): each line keeps its offset.</summary>
    public TranscriptBatch RedactedBy(SecretRedactor redactor) => this with { Content = redactor.RedactLines(Content) };

    /// <summary>The batch with its offsets moved by <paramref name="shift"/>: where its lines lie in the store (<see cref="TranscriptCursor.Shift"/>).</summary>
    public TranscriptBatch ShiftedBy(long shift) => shift == 0 ? this : this with { StartOffset = StartOffset + shift, EndOffset = EndOffset + shift };

    /// <summary>The lines as text, without their terminators.</summary>
    public IReadOnlyList<string> Lines => TranscriptContent.Lines(Content.Span);

    /// <summary>
    /// The message that ships this batch, its lines packed; its <c>BatchId</c> is derived from where the bytes lie, so shipping
    /// the same bytes again is recognisable. <paramref name="file"/> names a subagent's transcript of the session (null for its own).
    /// </summary>
    public TranscriptLinesCaptured Capture(string sessionId, string path, DateTimeOffset capturedAt, string host, string user, string? file = null)
    {
        var (content, encoding) = TranscriptContent.Pack(Content.Span, compress: true);
        return Message(sessionId, path, content, encoding, capturedAt, host, user, file);
    }

    /// <summary>
    /// The message that ships this batch to a module in this process: its lines packed into a pooled buffer and held by
    /// <see cref="InProcessContent"/> with a copy of the lines, until the hold returned is disposed (once the batch's answer came).
    /// </summary>
    public (TranscriptLinesCaptured Message, InProcessContent.Hold Hold) HandOver(string sessionId, string path, DateTimeOffset capturedAt, string host,
        string user, string? file = null)
    {
        var (packed, encoding) = TranscriptContent.PackPooled(Content.Span, compress: true);
        return InProcessContent.HandOver(Message(sessionId, path, [], encoding, capturedAt, host, user, file), packed, Content.Span);
    }

    private TranscriptLinesCaptured Message(string sessionId, string path, byte[] content, string encoding, DateTimeOffset capturedAt, string host,
        string user, string? file)
    {
        var id = new Guid(SHA256.HashData(Encoding.UTF8.GetBytes($"{sessionId}\n{path}\n{StartOffset}\n{EndOffset}")).AsSpan(0, 16));
        return new TranscriptLinesCaptured(id, sessionId, path, StartOffset, EndOffset, LineCount, content, encoding, capturedAt, host, user, File: file);
    }
}
