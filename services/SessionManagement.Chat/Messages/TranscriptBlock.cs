using SessionManagement.Contracts.Gateway;

namespace SessionManagement.Chat.Messages;

/// <summary>
/// One shipped batch of transcript lines, kept as one block: the messages read from it point into <see cref="Lines"/>
/// instead of each carrying a copy, and a store keeps <see cref="Stored"/> once for all of them. A block made from a batch
/// holds its lines in a pooled buffer until disposed; its messages' raw lines are readable until then.
/// </summary>
public sealed class TranscriptBlock(
    string sessionId, long startOffset, long endOffset, ReadOnlyMemory<byte> lines, ReadOnlyMemory<byte> stored, string encoding, params IDisposable?[] owners)
    : IDisposable
{
    public string SessionId { get; } = sessionId;

    public long StartOffset { get; } = startOffset;

    public long EndOffset { get; } = endOffset;

    /// <summary>The lines' bytes: UTF-8, each ending in <c>\n</c>.</summary>
    public ReadOnlyMemory<byte> Lines { get; } = lines;

    /// <summary>What a store keeps of the block, encoded as <see cref="Encoding"/> says (<see cref="TranscriptContent"/>).</summary>
    public ReadOnlyMemory<byte> Stored { get; } = stored;

    public string Encoding { get; } = encoding;

    /// <summary>The session's transcript file the lines are from: empty for its own, else a subagent's (<see cref="ChatMessage.File"/>).</summary>
    public string File { get; init; } = "";

    /// <summary>
    /// The block of a batch as it arrived: kept compressed as shipped when <paramref name="compress"/>, else as plain bytes. Lines
    /// handed over in the process with the content are read as they are, instead of unpacking it.
    /// </summary>
    public static TranscriptBlock From(TranscriptLinesCaptured batch, bool compress)
    {
        // The content stays leased while the block is read and stored: plain content's lines are read where they lie.
        var content = batch.PackedContent();
        try
        {
            var lines = (batch.ContentHandle is { } handle ? InProcessContent.TakeLines(handle) : null)
                ?? TranscriptContent.Open(content.Bytes, batch.ContentEncoding);
            var (stored, encoding) = compress == (batch.ContentEncoding != TranscriptContent.Plain)
                ? (content.Bytes, batch.ContentEncoding)
                : TranscriptContent.Pack(lines.Bytes.Span, compress);
            return new TranscriptBlock(batch.SessionId, batch.StartOffset, batch.EndOffset, lines.Bytes, stored, encoding, lines, content) { File = batch.File ?? "" };
        }
        catch
        {
            content.Dispose();
            throw;
        }
    }

    /// <summary>A block of the given lines (tests, benchmarks, and lines that arrive as text).</summary>
    public static TranscriptBlock Of(string sessionId, long startOffset, IReadOnlyList<string> lines, bool compress = true, string file = "")
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(string.Concat(lines.Select(line => line + "\n")));
        var (stored, encoding) = TranscriptContent.Pack(bytes, compress);
        return new TranscriptBlock(sessionId, startOffset, startOffset + bytes.Length, bytes, stored, encoding) { File = file };
    }

    /// <summary>The bytes of one line of the block, without its terminator.</summary>
    public ReadOnlyMemory<byte> Line(int start, int length) => Lines.Slice(start, length);

    /// <summary>Gives the pooled buffers back: the block's lines and stored bytes are not to be read after this.</summary>
    public void Dispose()
    {
        foreach (var owner in owners)
            owner?.Dispose();
    }
}

/// <summary>Where a transcript record's raw line lies in its <see cref="TranscriptBlock"/>.</summary>
public sealed record TranscriptLine(TranscriptBlock Block, int Start, int Length)
{
    /// <summary>The line as text.</summary>
    public string Text => System.Text.Encoding.UTF8.GetString(Block.Line(Start, Length).Span);
}
