using System.Security.Cryptography;
using System.Text;

namespace SessionManagement.Hosting.Security;

/// <summary>
/// AES-256-GCM for content kept at rest, each record sealed under a named key: <c>SMe1</c>, the key id's length and the key id,
/// a random 12-byte nonce, the 16-byte tag, then the ciphertext. What a record is (its table and column) goes in as associated data,
/// so a record moved onto another's place does not open. Several keys can be held: the first seals, every one opens, so records
/// sealed under an older key stay readable while they are sealed again under the new one. Bytes that do not start with the
/// mark were written before encryption was turned on and are read as they are.
/// </summary>
public sealed class ContentCipher
{
    private static readonly byte[] Mark = "SMe1"u8.ToArray();
    private const int NonceBytes = 12, TagBytes = 16, KeyBytes = 32;

    private readonly (string Id, byte[] IdBytes, AesPool Aes, byte[] IndexKey)[] _keys;

    /// <param name="keys">The keys, the one to seal with first; each 32 bytes, its id 1 to 32 letters, digits, <c>-</c> or <c>_</c>.</param>
    public ContentCipher(IReadOnlyList<(string Id, byte[] Key)> keys)
    {
        if (keys.Count == 0)
            throw new ArgumentException("at least one key is needed", nameof(keys));
        foreach (var (id, key) in keys)
        {
            if (id.Length is < 1 or > 32 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
                throw new ArgumentException($"key id '{id}': 1 to 32 letters, digits, - or _", nameof(keys));
            if (key.Length != KeyBytes)
                throw new ArgumentException($"key '{id}': {key.Length} bytes, where AES-256 takes {KeyBytes}", nameof(keys));
        }
        if (keys.Select(k => k.Id).Distinct(StringComparer.Ordinal).Count() != keys.Count)
            throw new ArgumentException("two keys have the same id", nameof(keys));
        _keys = keys.Select(k => (k.Id, Encoding.ASCII.GetBytes(k.Id), new AesPool(k.Key.ToArray()),
            HKDF.DeriveKey(HashAlgorithmName.SHA256, k.Key, KeyBytes, info: "session-management search index"u8.ToArray()))).ToArray();
    }

    /// <summary>The id of the key new records are sealed with.</summary>
    public string CurrentKeyId => _keys[0].Id;

    /// <summary>Every key id held, the current one first.</summary>
    public IReadOnlyList<string> KeyIds => _keys.Select(k => k.Id).ToArray();

    /// <summary>Seals <paramref name="plain"/> under the current key; <paramref name="record"/> names what it is (a table and an id).</summary>
    public byte[] Seal(ReadOnlySpan<byte> plain, string record)
    {
        var sealedBytes = new byte[SealedLength(plain.Length)];
        Seal(plain, sealedBytes, record);
        return sealedBytes;
    }

    /// <summary>How many bytes <paramref name="plainLength"/> bytes take sealed under the current key.</summary>
    public int SealedLength(int plainLength) => Mark.Length + 1 + _keys[0].IdBytes.Length + NonceBytes + TagBytes + plainLength;

    /// <summary>
    /// Seals <paramref name="plain"/> into the first <see cref="SealedLength"/> bytes of <paramref name="destination"/> (a pooled buffer,
    /// say), which must not overlap it.
    /// </summary>
    public void Seal(ReadOnlySpan<byte> plain, Span<byte> destination, string record)
    {
        var (_, id, aes, _) = _keys[0];
        var span = destination[..SealedLength(plain.Length)];
        Mark.CopyTo(span);
        span[Mark.Length] = (byte)id.Length;
        id.CopyTo(span[(Mark.Length + 1)..]);
        var rest = span[(Mark.Length + 1 + id.Length)..];
        var nonce = rest[..NonceBytes];
        Nonces.Fill(nonce);
        var associated = Associated(record, stackalloc byte[256]);
        var gcm = aes.Rent();
        try
        {
            gcm.Encrypt(nonce, plain, rest[(NonceBytes + TagBytes)..], rest.Slice(NonceBytes, TagBytes), associated);
        }
        finally
        {
            aes.Return(gcm);
        }
    }

    /// <summary>
    /// The plain bytes of a record: opened with the key it names, or, written before encryption, as they are. Throws
    /// <see cref="CryptographicException"/> for a record whose key is not held, or that was changed or moved.
    /// </summary>
    public byte[] Open(ReadOnlySpan<byte> stored, string record)
    {
        if (KeyIdOf(stored) is null)
            return stored.ToArray();
        var plain = new byte[stored.Length];
        return plain[..Open(stored, plain, record)];
    }

    /// <summary>
    /// <see cref="Open(ReadOnlySpan{byte}, string)"/> into <paramref name="destination"/> (a pooled buffer, say, as long as
    /// <paramref name="stored"/> at the least): returns how many bytes the plain record takes there.
    /// </summary>
    public int Open(ReadOnlySpan<byte> stored, Span<byte> destination, string record)
    {
        if (KeyIdOf(stored) is not { } keyId)
        {
            stored.CopyTo(destination);
            return stored.Length;
        }
        var key = Array.FindIndex(_keys, k => k.Id == keyId);
        if (key < 0)
            throw new CryptographicException($"{record} is sealed under key '{keyId}', which is not configured (configured: {string.Join(", ", _keys.Select(k => k.Id))})");
        var rest = stored[(Mark.Length + 1 + keyId.Length)..];
        if (rest.Length < NonceBytes + TagBytes)
            throw new CryptographicException($"{record} is cut short");
        var plain = destination[..(rest.Length - NonceBytes - TagBytes)];
        var associated = Associated(record, stackalloc byte[256]);
        var gcm = _keys[key].Aes.Rent();
        try
        {
            gcm.Decrypt(rest[..NonceBytes], rest[(NonceBytes + TagBytes)..], rest.Slice(NonceBytes, TagBytes), plain, associated);
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new CryptographicException($"{record} does not open under key '{keyId}': it was changed, or it belongs to another record");
        }
        finally
        {
            _keys[key].Aes.Return(gcm);
        }
        return plain.Length;
    }

    /// <summary>What the record is, as associated data: its name's UTF-8, in <paramref name="buffer"/> when it fits (a few ASCII characters).</summary>
    private static ReadOnlySpan<byte> Associated(string record, Span<byte> buffer) =>
        record.Length <= buffer.Length / 3 ? buffer[..Encoding.UTF8.GetBytes(record, buffer)] : Encoding.UTF8.GetBytes(record);

    /// <summary>The id of the key a record is sealed under; null for bytes written before encryption (not sealed).</summary>
    public static string? KeyIdOf(ReadOnlySpan<byte> stored)
    {
        if (stored.Length < Mark.Length + 1 || !stored.StartsWith(Mark))
            return null;
        var length = stored[Mark.Length];
        return stored.Length < Mark.Length + 1 + length ? null : Encoding.ASCII.GetString(stored.Slice(Mark.Length + 1, length));
    }

    /// <summary>A hash kept to pair records (a hook's prompt and its transcript line) keyed under each key held, the current key's first.</summary>
    public IReadOnlyList<string> KeyedHashes(string hash)
    {
        var value = Encoding.UTF8.GetBytes("match\n" + hash);
        return _keys.Select(k => Convert.ToHexStringLower(HMACSHA256.HashData(k.IndexKey, value).AsSpan(0, 16))).ToArray();
    }

    /// <summary>
    /// What the search index holds for a word in place of the word, under each key held (the current key's first): the same word
    /// gives the same token, and the token does not give the word back. A query looks for any of them while records are sealed again.
    /// </summary>
    public IReadOnlyList<string> IndexTokens(string word)
    {
        var normal = Encoding.UTF8.GetBytes(word.ToLowerInvariant());
        return _keys.Select(k => Token(k.IndexKey, normal)).ToArray();
    }

    /// <summary>
    /// The current key's token for a word already in lower case (<see cref="IndexTokens"/>'s first), from a cache of the words
    /// seen: a conversation says the same words over and over, and an HMAC per word halved the speed of an import.
    /// </summary>
    public string CurrentIndexToken(ReadOnlySpan<char> lowerWord) => Encoding.ASCII.GetString(CurrentIndexTokenUtf8(lowerWord));

    /// <summary><see cref="CurrentIndexToken"/> as the UTF-8 bytes a search index is given (<see cref="TokenLength"/> of them).</summary>
    public byte[] CurrentIndexTokenUtf8(ReadOnlySpan<char> lowerWord)
    {
        if (_tokens.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(lowerWord, out var token))
            return token;
        if (_tokens.Count >= TokenCacheSize)
            _tokens.Clear(); // a vocabulary beyond the cache: start it again rather than grow without end
        var word = lowerWord.ToString();
        token = TokenUtf8(_keys[0].IndexKey, Encoding.UTF8.GetBytes(word));
        _tokens.TryAdd(word, token);
        return token;
    }

    /// <summary>The length of every token: <c>t</c> and 12 hexadecimal digits.</summary>
    public const int TokenLength = 13;

    private const int TokenCacheSize = 100_000;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> _tokens = new(StringComparer.Ordinal);

    /// <summary>48 bits of the word's HMAC: two words of a million-word vocabulary share one about once in five hundred vocabularies
    /// (a search for one then also finds the other), and the index stays small.</summary>
    private static string Token(byte[] indexKey, byte[] word) => Encoding.ASCII.GetString(TokenUtf8(indexKey, word));

    private static byte[] TokenUtf8(byte[] indexKey, byte[] word)
    {
        Span<byte> hash = stackalloc byte[32];
        HMACSHA256.HashData(indexKey, word, hash);
        var token = new byte[TokenLength];
        token[0] = (byte)'t';
        var digits = "0123456789abcdef"u8;
        for (var i = 0; i < 6; i++)
            (token[1 + 2 * i], token[2 + 2 * i]) = (digits[hash[i] >> 4], digits[hash[i] & 0xF]);
        return token;
    }

    /// <summary>
    /// AES-GCM instances of one key, one per thread using it at a time: an instance holds native cipher state and fails when two
    /// threads seal with it at once.
    /// </summary>
    private sealed class AesPool(byte[] key)
    {
        private readonly System.Collections.Concurrent.ConcurrentBag<AesGcm> _idle = [];

        public AesGcm Rent() => _idle.TryTake(out var gcm) ? gcm : new AesGcm(key, TagBytes);

        public void Return(AesGcm gcm) => _idle.Add(gcm);
    }

    /// <summary>
    /// Nonces drawn from the system's CSPRNG in bulk: a thread's 4 KB at a time, each 12 bytes of it handed out once. Sealing asked
    /// OpenSSL for 12 random bytes per record, and the cost of each call (locks, a check for a fork) outweighed the bytes.
    /// </summary>
    private static class Nonces
    {
        [ThreadStatic]
        private static byte[]? t_drawn;

        [ThreadStatic]
        private static int t_next;

        public static void Fill(Span<byte> nonce)
        {
            var drawn = t_drawn;
            if (drawn is null || t_next + nonce.Length > drawn.Length)
            {
                t_drawn = drawn ??= new byte[NonceBytes * 341];
                RandomNumberGenerator.Fill(drawn);
                t_next = 0;
            }
            drawn.AsSpan(t_next, nonce.Length).CopyTo(nonce);
            t_next += nonce.Length;
        }
    }
}
