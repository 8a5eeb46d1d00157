using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;

namespace SessionManagement.Contracts.Gateway;

/// <summary>
/// The wire form of a <see cref="TranscriptLinesCaptured"/> batch's lines: one block of UTF-8, Brotli-compressed when it is large enough
/// to gain. Blocks written before Brotli are gzip, and stay readable.
/// </summary>
public static class TranscriptContent
{
    /// <summary>The block is Brotli-compressed (quality 0, a 64 KB window): what is written now.</summary>
    public const string Brotli = "br";

    /// <summary>The block is gzip-compressed (fastest level): what was written before Brotli, read as it is.</summary>
    public const string Gzip = "gzip";

    /// <summary>The block is the lines' bytes as they are.</summary>
    public const string Plain = "utf8";

    /// <summary>
    /// The pool batch buffers come from: a few arrays of each size, shared by every thread. The shared pool keeps an array of
    /// each size per thread that used one, and a megabyte batch passes through several threads.
    /// </summary>
    public static ArrayPool<byte> Buffers => Volatile.Read(ref _buffers);

    private static ArrayPool<byte> _buffers = NewPool();

    private static ArrayPool<byte> NewPool() => ArrayPool<byte>.Create(maxArrayLength: 128 * 1024 * 1024, maxArraysPerBucket: 8);

    /// <summary>
    /// Lets go of every buffer <see cref="Buffers"/> keeps, for the garbage collector to take back: for a host gone quiet, which
    /// would otherwise hold the largest buffers its last burst of work used (an export's pages of up to 16 MB) for the next one.
    /// A buffer rented before is returned as any other: the new pool keeps it or lets it go too.
    /// </summary>
    public static void LetGoOfBuffers() => Volatile.Write(ref _buffers, NewPool());

    /// <summary>Below this, compressing costs more than it saves.</summary>
    private const int MinimumBytes = 256;

    /// <summary>
    /// Brotli's fastest quality with a 64 KB window. Over 300 MB of Claude Code transcripts in 1 MB batches it packs at 550 MB/s to a
    /// quarter of the size, where gzip at its fastest packed at 500 MB/s to a third: less to compress, and less for the store to write.
    /// A wider window (4 MB) packed as fast to 3.9 to one; quality 1, 4.75 to one at 350 MB/s.
    /// </summary>
    private const int BrotliQuality = 0, BrotliWindow = 16;

    /// <summary>The largest block unpacked: a batch is a megabyte, a hook or a context item far less.</summary>
    private const int MaximumBytes = 1 << 30;

    /// <summary>The block for <paramref name="lines"/> (UTF-8, each line ending in <c>\n</c>), compressed when <paramref name="compress"/> and it pays.</summary>
    public static (byte[] Content, string Encoding) Pack(ReadOnlySpan<byte> lines, bool compress)
    {
        if (!compress || lines.Length < MinimumBytes)
            return (lines.ToArray(), Plain);
        // Compressed into a pooled buffer, then copied out once.
        var (packed, encoding) = PackPooled(lines, compress);
        using (packed)
            return (packed.Bytes.ToArray(), encoding);
    }

    /// <summary>
    /// The block for <paramref name="lines"/> as <see cref="Pack"/> makes it, in a pooled buffer that goes back to the pool when the
    /// result is disposed: for a block that stays in the process (<see cref="InProcessContent"/>), so that no array of its exact size
    /// is made for each batch (a quarter of a megabyte, on the large-object heap, whose collections stop every thread).
    /// </summary>
    /// <remarks>
    /// Packed into a buffer of half the lines' size first (<see cref="FirstTry"/>), and only when the lines do not pack that small into
    /// one of the most Brotli may write: a megabyte batch packs to about a quarter, and a buffer of the most rounds up to the pool's
    /// 2 MB arrays, one for each batch in flight. A 300 MB ingestion's peak fell by 3-7 MB (187-196 MB against 193-200, 5 pairs of hosts alternated).
    /// </remarks>
    public static (PooledLines Content, string Encoding) PackPooled(ReadOnlySpan<byte> lines, bool compress)
    {
        if (!compress || lines.Length < MinimumBytes)
        {
            var copy = Buffers.Rent(Math.Max(lines.Length, 1));
            lines.CopyTo(copy);
            return (new PooledLines(copy, lines.Length, pooled: true), Plain);
        }
        var most = BrotliEncoder.GetMaxCompressedLength(lines.Length);
        foreach (var size in (ReadOnlySpan<int>)[Math.Min(FirstTry(lines.Length), most), most])
        {
            var buffer = Buffers.Rent(size);
            if (BrotliEncoder.TryCompress(lines, buffer.AsSpan(0, size), out var packed, BrotliQuality, BrotliWindow))
                return (new PooledLines(buffer, packed, pooled: true), Brotli);
            Buffers.Return(buffer);
        }
        throw new InvalidOperationException($"Brotli could not pack {lines.Length} bytes into {most}");
    }

    /// <summary>
    /// The first <paramref name="length"/> bytes of <paramref name="rented"/>, a buffer rented from <see cref="Buffers"/>, which goes back
    /// to the pool when the result is disposed: lines gathered into a pooled buffer and handed on with it (a transcript page).
    /// </summary>
    public static PooledLines Rented(byte[] rented, int length)
    {
        ArgumentNullException.ThrowIfNull(rented);
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)length, (uint)rented.Length, nameof(length));
        return new PooledLines(rented, length, pooled: true);
    }

    /// <summary>
    /// Room for <paramref name="more"/> bytes after the <paramref name="written"/> ones of <paramref name="buffer"/>, rented from
    /// <see cref="Buffers"/>: when they do not fit, a buffer of twice the size (or of what they need) is rented, the written bytes
    /// moved to it and the old one returned.
    /// </summary>
    public static void MakeRoom(ref byte[] buffer, int written, int more)
    {
        if (written + more <= buffer.Length)
            return;
        var larger = Buffers.Rent(Math.Max(buffer.Length * 2, written + more));
        buffer.AsSpan(0, written).CopyTo(larger);
        Buffers.Return(buffer);
        buffer = larger;
    }

    /// <summary>The size of the first buffer a block of <paramref name="length"/> bytes is packed into: half, or 4 KB for a small one.</summary>
    private static int FirstTry(int length) => Math.Max(length / 2, 4096);

    /// <summary>The lines' bytes of a block; throws <see cref="InvalidDataException"/> when the block is damaged or its encoding unknown.</summary>
    public static byte[] Unpack(byte[] content, string encoding)
    {
        using var lines = Open(content, encoding);
        return lines.Bytes.ToArray();
    }

    /// <summary>
    /// The lines' bytes of a block, unpacked into a pooled buffer that goes back to the pool when the result is disposed: a batch
    /// is read once and let go, and a megabyte array per batch would keep the garbage collector busy. Throws
    /// <see cref="InvalidDataException"/> when the block is damaged or its encoding unknown.
    /// </summary>
    public static PooledLines Open(byte[] content, string encoding)
    {
        ArgumentNullException.ThrowIfNull(content);
        return Open(content.AsMemory(), encoding);
    }

    /// <inheritdoc cref="Open(byte[], string)"/>
    /// <remarks>Plain content is read where it lies: the result is valid as long as <paramref name="content"/> is.</remarks>
    public static PooledLines Open(ReadOnlyMemory<byte> content, string encoding)
    {
        if (!MemoryMarshal.TryGetArray(content, out var segment))
            segment = new ArraySegment<byte>(content.ToArray());
        switch (encoding)
        {
            case Plain:
                return new PooledLines(segment.Array!, segment.Count, pooled: false, segment.Offset);
            case Brotli:
                return Unbrotli(segment);
            case Gzip:
                if (segment.Count < 18)
                    throw new InvalidDataException("the packed content is too short for gzip");
                // A gzip member ends with its uncompressed length (ISIZE): exactly that much is read.
                var length = BinaryPrimitives.ReadInt32LittleEndian(segment.AsSpan(segment.Count - 4));
                if (length < 0)
                    throw new InvalidDataException("the packed content is larger than a block can be");
                var lines = Buffers.Rent(length);
                try
                {
                    using var input = new GZipStream(new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false), CompressionMode.Decompress);
                    try
                    {
                        input.ReadExactly(lines.AsSpan(0, length));
                    }
                    catch (EndOfStreamException)
                    {
                        throw new InvalidDataException("the packed content is shorter than its gzip trailer says");
                    }
                    if (input.ReadByte() >= 0)
                        throw new InvalidDataException("the packed content is longer than its gzip trailer says");
                    return new PooledLines(lines, length, pooled: true);
                }
                catch
                {
                    Buffers.Return(lines);
                    throw;
                }
            default:
                throw new InvalidDataException($"unknown content encoding '{encoding}'");
        }
    }

    /// <summary>
    /// A Brotli block unpacked into a pooled buffer, grown as the lines come out (Brotli does not say their length): the whole of the
    /// content must be one complete stream, nothing missing and nothing after it.
    /// </summary>
    private static PooledLines Unbrotli(ArraySegment<byte> content)
    {
        using var decoder = new BrotliDecoder();
        var input = content.AsSpan();
        var lines = Buffers.Rent((int)Math.Min(Math.Max(content.Count * 8L, 4096), MaximumBytes));
        var length = 0;
        try
        {
            while (true)
            {
                var status = decoder.Decompress(input, lines.AsSpan(length), out var consumed, out var written);
                input = input[consumed..];
                length += written;
                switch (status)
                {
                    case OperationStatus.Done when input.IsEmpty:
                        return new PooledLines(lines, length, pooled: true);
                    case OperationStatus.Done:
                        throw new InvalidDataException("the packed content goes on after its Brotli stream ends");
                    case OperationStatus.NeedMoreData:
                        throw new InvalidDataException("the packed content is shorter than its Brotli stream");
                    case OperationStatus.InvalidData:
                        throw new InvalidDataException("the packed content is not a Brotli stream");
                }
                if (lines.Length >= MaximumBytes)
                    throw new InvalidDataException("the packed content is larger than a block can be");
                var larger = Buffers.Rent((int)Math.Min(lines.Length * 2L, MaximumBytes));
                lines.AsSpan(0, length).CopyTo(larger);
                Buffers.Return(lines);
                lines = larger;
            }
        }
        catch
        {
            Buffers.Return(lines);
            throw;
        }
    }

    /// <summary>The lines of a block's bytes as text, without their terminators.</summary>
    public static IReadOnlyList<string> Lines(ReadOnlySpan<byte> bytes)
    {
        var lines = new List<string>();
        while (!bytes.IsEmpty)
        {
            var end = bytes.IndexOf((byte)'\n');
            var line = end < 0 ? bytes : bytes[..end];
            lines.Add(Encoding.UTF8.GetString(line));
            bytes = end < 0 ? [] : bytes[(end + 1)..];
        }
        return lines;
    }
}

/// <summary>
/// A block's lines (or its packed content, <see cref="TranscriptContent.PackPooled"/>) in a buffer that may belong to a pool: use
/// <see cref="Bytes"/> until disposed, not after.
/// </summary>
public sealed class PooledLines : IDisposable
{
    private byte[]? _array;
    private readonly int _offset;
    private readonly int _length;
    private readonly bool _pooled;

    internal PooledLines(byte[] array, int length, bool pooled, int offset = 0) => (_array, _offset, _length, _pooled) = (array, offset, length, pooled);

    /// <summary>The lines: UTF-8, each ending in <c>\n</c> (or the packed content).</summary>
    public ReadOnlyMemory<byte> Bytes => (_array ?? throw new ObjectDisposedException(nameof(PooledLines))).AsMemory(_offset, _length);

    /// <summary>Gives the buffer back to the pool it came from.</summary>
    public void Dispose()
    {
        if (_pooled && _array is not null)
            TranscriptContent.Buffers.Return(_array);
        _array = null;
    }
}
