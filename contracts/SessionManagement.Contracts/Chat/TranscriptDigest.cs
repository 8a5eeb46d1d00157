using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using System.Security.Cryptography;

namespace SessionManagement.Contracts.Chat;

/// <summary>
/// What a transcript file's lines come to, whatever order they were stored in: each line counts as a 128-bit hash of its byte offset
/// (8 bytes, little-endian) followed by its bytes (without the line break), and the lines' values are combined by XOR. The chat module
/// keeps it for the files it holds from their first line on; <c>smctl import</c> works it out over a file on disk to know, without
/// reading the held file back, that the store holds that file already.
/// </summary>
/// <remarks>
/// Two hashes, named by <see cref="Algorithm"/>: <see cref="XxHash128"/> for every file chat began to hold since chat migration 12, and
/// <see cref="Sha256"/> for files held before, whose digests go on counting their new lines the same way.
/// </remarks>
public sealed class TranscriptDigest : IDisposable
{
    /// <summary>XXH128 (seed 0) of each line, as a 128-bit number: ten times the speed of SHA-256, which held an import back.</summary>
    public const string XxHash128 = "xxh128";

    /// <summary>The first 16 bytes of each line's SHA-256, read as a little-endian number: digests kept before chat migration 12.</summary>
    public const string Sha256 = "sha256";

    private readonly System.IO.Hashing.XxHash128? _xxHash;
    private readonly IncrementalHash? _sha256;

    /// <summary>A digest of no lines yet, by <paramref name="algorithm"/> (<see cref="XxHash128"/> or <see cref="Sha256"/>).</summary>
    public TranscriptDigest(string algorithm = XxHash128)
    {
        if (algorithm == XxHash128)
            _xxHash = new System.IO.Hashing.XxHash128();
        else if (algorithm == Sha256)
            _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        else
            throw new ArgumentException($"no transcript digest is called '{algorithm}' (known: {XxHash128}, {Sha256})", nameof(algorithm));
        Algorithm = algorithm;
    }

    /// <summary>Whether this version can work a digest out by <paramref name="algorithm"/>.</summary>
    public static bool Knows(string? algorithm) => algorithm is XxHash128 or Sha256;

    /// <summary>Which hash each line counts as.</summary>
    public string Algorithm { get; }

    /// <summary>The lines' combined value so far.</summary>
    public UInt128 Value { get; private set; }

    /// <summary>The lines added so far.</summary>
    public long Lines { get; private set; }

    /// <summary>Adds the line at <paramref name="offset"/> of its file.</summary>
    public void Add(long offset, ReadOnlySpan<byte> line) => AddValue(ValueOf(offset, line));

    /// <summary>Adds a line by its value, worked out by <see cref="ValueOf"/> with this digest's <see cref="Algorithm"/>.</summary>
    public void AddValue(UInt128 lineValue)
    {
        Value ^= lineValue;
        Lines++;
    }

    /// <summary>What the line at <paramref name="offset"/> of its file counts as, without adding it.</summary>
    public UInt128 ValueOf(long offset, ReadOnlySpan<byte> line)
    {
        Span<byte> position = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(position, offset);
        if (_xxHash is { } xxHash)
        {
            xxHash.Append(position);
            xxHash.Append(line);
            var value = xxHash.GetCurrentHashAsUInt128();
            xxHash.Reset();
            return value;
        }
        _sha256!.AppendData(position);
        _sha256.AppendData(line);
        Span<byte> digest = stackalloc byte[32];
        _sha256.GetHashAndReset(digest);
        return BinaryPrimitives.ReadUInt128LittleEndian(digest);
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
    public void Dispose() => _sha256?.Dispose();
}
