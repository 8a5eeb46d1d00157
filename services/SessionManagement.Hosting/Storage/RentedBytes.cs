using System.Buffers;

namespace SessionManagement.Hosting.Storage;

/// <summary>
/// A value a store writes from a pooled buffer instead of an array or a string of its own: the sealed text and search tokens of every
/// message an import stores (<see cref="Security.AtRest.TextColumn"/>), bound where they lie by <see cref="Sqlite.SqliteRawStatement"/>
/// as text (UTF-8) or as a blob, and given back to the pool when disposed, once written.
/// </summary>
public sealed class RentedBytes(bool isText, int capacity = 256) : IDisposable
{
    private byte[]? _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, 16));
    private int _length;

    /// <summary>Whether the bytes are UTF-8 text (bound as text) rather than a blob.</summary>
    public bool IsText { get; } = isText;

    /// <summary>The bytes written so far.</summary>
    public ReadOnlySpan<byte> Span => Buffer.AsSpan(0, _length);

    private byte[] Buffer => _buffer ?? throw new ObjectDisposedException(nameof(RentedBytes));

    /// <summary>Counts <paramref name="count"/> more bytes, written into what <see cref="GetSpan"/> gave, as written.</summary>
    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (_length + count > Buffer.Length)
            throw new InvalidOperationException($"advanced {count} bytes past the {Buffer.Length - _length} that were free");
        _length += count;
    }

    /// <summary>Room for at least <paramref name="sizeHint"/> more bytes (one when none is hinted), after those written.</summary>
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        var free = Reserve(sizeHint); // first: it may take a larger buffer
        return Buffer.AsSpan(_length, free);
    }

    /// <summary>Gives the buffer back to the pool; the bytes are not to be read after this.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
            ArrayPool<byte>.Shared.Return(buffer);
    }

    /// <summary>Disposes those of <paramref name="values"/> that are rented (the values of one row, written).</summary>
    public static void Return(params ReadOnlySpan<object?> values)
    {
        foreach (var value in values)
            (value as RentedBytes)?.Dispose();
    }

    /// <summary>Makes room for at least <paramref name="sizeHint"/> more bytes (one when none is hinted); returns the room there is.</summary>
    private int Reserve(int sizeHint)
    {
        var buffer = Buffer;
        var needed = _length + Math.Max(sizeHint, 1);
        if (needed > buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, buffer.Length * 2));
            buffer.AsSpan(0, _length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(buffer);
            _buffer = buffer = larger;
        }
        return buffer.Length - _length;
    }
}
