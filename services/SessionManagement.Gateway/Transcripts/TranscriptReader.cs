using System.Buffers;
using System.Text;

namespace SessionManagement.Gateway.Transcripts;

/// <summary>
/// Streams complete lines from a byte offset in bounded batches, never holding more than one batch
/// (or one line) in memory. A last line without its newline is left for the next read: Claude Code
/// may still be writing it.
/// </summary>
internal static class TranscriptReader
{
    /// <summary>Lines longer than this are shipped as a marker naming their offset and length; the file keeps the original.</summary>
    public const int MaxLineBytes = 64 * 1024 * 1024;

    public static async IAsyncEnumerable<TranscriptBatch> ReadAsync(
        FileStream file, long offset, int maxBatchBytes, int maxBatchLines,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        file.Seek(offset, SeekOrigin.Begin);
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var line = new ArrayBufferWriter<byte>();
        var lines = new List<string>();
        long lineStart = offset, batchStart = offset, batchBytes = 0, position = offset;
        var lineTooLong = false;
        try
        {
            int read;
            while ((read = await file.ReadAsync(buffer.AsMemory(), cancellationToken)) > 0)
            {
                var chunk = buffer.AsMemory(0, read);
                while (!chunk.IsEmpty)
                {
                    var newline = chunk.Span.IndexOf((byte)'\n');
                    var part = newline < 0 ? chunk : chunk[..newline];
                    if (!lineTooLong && line.WrittenCount + part.Length > MaxLineBytes)
                        lineTooLong = true;
                    if (!lineTooLong)
                        line.Write(part.Span);
                    if (newline < 0)
                    {
                        position += chunk.Length;
                        break;
                    }
                    position += newline + 1;
                    chunk = chunk[(newline + 1)..];

                    var text = lineTooLong
                        ? $"{{\"type\":\"sm-oversized-line\",\"offset\":{lineStart},\"length\":{position - lineStart - 1}}}"
                        : Encoding.UTF8.GetString(line.WrittenSpan);
                    if (lines.Count > 0 && batchBytes + (position - lineStart) > maxBatchBytes)
                    {
                        // A batch stays within the byte bound; only a single line larger than the bound travels alone above it.
                        yield return new TranscriptBatch(batchStart, lineStart, lines);
                        lines = [];
                        batchBytes = 0;
                        batchStart = lineStart;
                    }
                    lines.Add(text);
                    batchBytes += position - lineStart;
                    line.ResetWrittenCount();
                    lineTooLong = false;
                    lineStart = position;
                    if (batchBytes >= maxBatchBytes || lines.Count >= maxBatchLines)
                    {
                        yield return new TranscriptBatch(batchStart, lineStart, lines);
                        lines = [];
                        batchBytes = 0;
                        batchStart = lineStart;
                    }
                }
            }
            if (lines.Count > 0)
                yield return new TranscriptBatch(batchStart, lineStart, lines);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
