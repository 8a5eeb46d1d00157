using System.Buffers;
using System.Text;
using SessionManagement.Contracts.Gateway;

namespace SessionManagement.Gateway.Transcripts;

/// <summary>
/// Streams complete lines from a byte offset in bounded batches, never holding more than one batch
/// (or one line) in memory: a batch's <see cref="TranscriptBatch.Content"/> lies in a buffer the next batch reuses. A last
/// line without its newline is left for the next read: Claude Code may still be writing it. A stream that cannot seek
/// (an upload) is read from where it stands, the offset given naming that place.
/// </summary>
internal static class TranscriptReader
{
    /// <summary>Lines longer than this are shipped as a marker naming their offset and length; the file keeps the original.</summary>
    public const int MaxLineBytes = 64 * 1024 * 1024;

    public static async IAsyncEnumerable<TranscriptBatch> ReadAsync(
        Stream file, long offset, int maxBatchBytes, int maxBatchLines,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (file.CanSeek)
            file.Seek(offset, SeekOrigin.Begin);
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        using var batch = new LineBuffer(Math.Min(maxBatchBytes, 1 << 20) + 1024);
        long lineStart = offset, batchStart = offset, position = offset;
        int lines = 0, batchLineStart = 0;
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
                    if (!lineTooLong && batch.WrittenCount - batchLineStart + part.Length > MaxLineBytes)
                    {
                        lineTooLong = true;
                        batch.ResetTo(batchLineStart);
                    }
                    if (!lineTooLong)
                        batch.Write(part.Span);
                    if (newline < 0)
                    {
                        position += chunk.Length;
                        break;
                    }
                    position += newline + 1;
                    chunk = chunk[(newline + 1)..];

                    if (lineTooLong)
                        batch.Write(Encoding.UTF8.GetBytes($"{{\"type\":\"sm-oversized-line\",\"offset\":{lineStart},\"length\":{position - lineStart - 1}}}"));
                    batch.Write("\n"u8);
                    if (lines > 0 && batchLineStart + (position - lineStart) > maxBatchBytes)
                    {
                        // A batch stays within the byte bound; only a single line larger than the bound travels alone above it.
                        yield return new TranscriptBatch(batchStart, lineStart, lines, batch.Written[..batchLineStart]);
                        batch.DropBefore(batchLineStart);
                        (lines, batchStart, batchLineStart) = (0, lineStart, 0);
                    }
                    lines++;
                    lineTooLong = false;
                    lineStart = position;
                    batchLineStart = batch.WrittenCount;
                    if (batch.WrittenCount >= maxBatchBytes || lines >= maxBatchLines)
                    {
                        yield return new TranscriptBatch(batchStart, lineStart, lines, batch.Written);
                        batch.ResetTo(0);
                        (lines, batchStart, batchLineStart) = (0, lineStart, 0);
                    }
                }
            }
            if (lines > 0)
                yield return new TranscriptBatch(batchStart, lineStart, lines, batch.Written[..batchLineStart]);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The bytes of the batch being read, reused from batch to batch, in a pooled array (<see cref="TranscriptContent.Buffers"/>: a poll that finds nothing new costs no megabyte).</summary>
    private sealed class LineBuffer(int capacity) : IDisposable
    {
        private byte[] _bytes = TranscriptContent.Buffers.Rent(capacity);

        public int WrittenCount { get; private set; }

        public ReadOnlyMemory<byte> Written => _bytes.AsMemory(0, WrittenCount);

        public void Write(ReadOnlySpan<byte> bytes)
        {
            TranscriptContent.MakeRoom(ref _bytes, WrittenCount, bytes.Length);
            bytes.CopyTo(_bytes.AsSpan(WrittenCount));
            WrittenCount += bytes.Length;
        }

        public void ResetTo(int count) => WrittenCount = count;

        /// <summary>Keeps only the bytes from <paramref name="start"/> on, moved to the front.</summary>
        public void DropBefore(int start)
        {
            _bytes.AsSpan(start, WrittenCount - start).CopyTo(_bytes);
            WrittenCount -= start;
        }

        public void Dispose() => TranscriptContent.Buffers.Return(_bytes);
    }
}
