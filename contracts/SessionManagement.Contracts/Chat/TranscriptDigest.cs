using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;

namespace SessionManagement.Contracts.Chat;

/// <summary>
/// What a transcript file's lines come to, whatever order they were stored in: each line counts as the first 16 bytes of the SHA-256
/// of its byte offset (8 bytes, little-endian) and its bytes (without the line break), and the lines' values are combined by XOR.
/// The chat module keeps it for the files it holds from their first line on; <c>smctl import</c> works it out over a file on disk
/// to know, without reading the held file back, that the store holds that file already.
/// </summary>
public sealed class TranscriptDigest : IDisposable
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <summary>The lines' combined value so far.</summary>
    public UInt128 Value { get; private set; }

    /// <summary>The lines added so far.</summary>
    public long Lines { get; private set; }

    /// <summary>Adds the line at <paramref name="offset"/> of its file.</summary>
    public void Add(long offset, ReadOnlySpan<byte> line)
    {
        Span<byte> position = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(position, offset);
        _hash.AppendData(position);
        _hash.AppendData(line);
        Span<byte> digest = stackalloc byte[32];
        _hash.GetHashAndReset(digest);
        Value ^= BinaryPrimitives.ReadUInt128LittleEndian(digest);
        Lines++;
    }

    /// <summary>Adds the lines of <paramref name="bytes"/>, which starts at <paramref name="offset"/> of its file; a last line without its break counts too.</summary>
    public void AddLines(long offset, ReadOnlySpan<byte> bytes)
    {
        for (var start = 0; start < bytes.Length;)
        {
            var length = bytes[start..].IndexOf((byte)'\n');
            length = length < 0 ? bytes.Length - start : length;
            Add(offset + start, bytes.Slice(start, length));
            start += length + 1;
        }
    }

    /// <summary>The value as 32 hexadecimal digits, as the API gives it.</summary>
    public static string Text(UInt128 value) => value.ToString("x32", CultureInfo.InvariantCulture);

    /// <summary>Lets the hash go.</summary>
    public void Dispose() => _hash.Dispose();
}
