using SessionManagement.Contracts.Gateway;

namespace SessionManagement.Gateway.Transcripts;

/// <summary>
/// Complete lines read from a transcript between two byte offsets: <see cref="Content"/> holds them as UTF-8, each ending in
/// <c>\n</c>, in the reader's buffer: valid until the next batch is read.
/// </summary>
internal sealed record TranscriptBatch(long StartOffset, long EndOffset, int LineCount, ReadOnlyMemory<byte> Content)
{
    /// <summary>The lines as text, without their terminators.</summary>
    public IReadOnlyList<string> Lines => TranscriptContent.Lines(Content.Span);
}
