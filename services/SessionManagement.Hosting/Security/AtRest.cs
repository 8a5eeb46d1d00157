using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using SessionManagement.Hosting.Configuration;
using SessionManagement.Hosting.Options;
using SessionManagement.Hosting.Storage;

namespace SessionManagement.Hosting.Security;

/// <summary>
/// Content at rest as the stores keep it. With <c>session_storage.encrypt_at_rest</c> on, what is written is sealed under the current
/// key (<see cref="ContentCipher"/>); whatever the setting, a sealed record is opened with the key it names, and a record written in
/// clear is read as it is. The keys come from <c>session_storage.key_file</c> (one <c>&lt;id&gt; &lt;base64&gt;</c> per line, the
/// current key first) and from <c>SM_ENCRYPTION_KEY</c> (<c>[id:]base64</c>, several separated by commas), never from the store. A
/// key file changed on disk (a rotation by another process) is read again within <see cref="ReloadEvery"/>.
/// </summary>
public sealed class AtRest
{
    /// <summary>The environment's key: <c>SM_ENCRYPTION_KEY</c>.</summary>
    public const string KeyVariable = "ENCRYPTION_KEY";

    /// <summary>How sealed text is kept in a text column: this mark, then the sealed bytes in base64.</summary>
    public const string TextMark = "SMe1:";

    public static readonly TimeSpan ReloadEvery = TimeSpan.FromSeconds(2);

    /// <summary>Nothing sealed, no key: content is kept as it is (tests and tools that keep nothing).</summary>
    public static readonly AtRest Off = new(seals: false, keyFile: null, environmentKeys: [], TimeProvider.System);

    private readonly string? _keyFile;
    private readonly IReadOnlyList<(string Id, byte[] Key)> _environmentKeys;
    private readonly TimeProvider _time;
    private readonly Lock _reload = new();
    private volatile ContentCipher? _cipher;
    private DateTime _keyFileWritten;
    private long _checkedAt;

    private AtRest(bool seals, string? keyFile, IReadOnlyList<(string Id, byte[] Key)> environmentKeys, TimeProvider time)
    {
        (Seals, _keyFile, _environmentKeys, _time) = (seals, keyFile, environmentKeys, time);
        _checkedAt = time.GetTimestamp();
        _cipher = Load();
    }

    /// <summary>Whether new writes are sealed.</summary>
    public bool Seals { get; }

    /// <summary>Whether a key is held, so that sealed records can be read.</summary>
    public bool HasKeys => Cipher is not null;

    /// <summary>The key new records are sealed with; null without a key.</summary>
    public string? CurrentKeyId => Cipher?.CurrentKeyId;

    /// <summary>Every key id held, the current one first.</summary>
    public IReadOnlyList<string> KeyIds => Cipher?.KeyIds ?? [];

    /// <summary>Whether keys can be rotated here: only keys in a key file can (the environment's are read, never written).</summary>
    public bool CanRotate => _keyFile is not null;

    /// <summary>
    /// The keys <paramref name="configuration"/> gives and whether to seal with them. Throws <see cref="InvalidConfigurationException"/>
    /// for a key that is not 32 bytes of base64, a key file that cannot be read, or <c>encrypt_at_rest</c> without any key. A key file
    /// named but missing is created with a new key when <c>encrypt_at_rest</c> is on.
    /// </summary>
    public static AtRest Load(IConfiguration configuration, SessionStorageOptions storage, TimeProvider time)
    {
        var problems = new List<string>();
        var environment = ParseEnvironmentKeys(configuration[KeyVariable], problems);
        var keyFile = string.IsNullOrWhiteSpace(storage.KeyFile) ? null : Path.GetFullPath(storage.KeyFile);
        if (keyFile is not null && !File.Exists(keyFile) && storage.EncryptAtRest)
        {
            try
            {
                WriteKeyFile(keyFile, [(NewKeyId(time), RandomNumberGenerator.GetBytes(32))]);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                problems.Add($"session_management:session_storage:key_file: cannot create '{keyFile}': {error.Message}");
            }
        }
        if (keyFile is not null && File.Exists(keyFile))
            _ = ReadKeyFile(keyFile, problems);
        else if (keyFile is not null)
            problems.Add($"session_management:session_storage:key_file: '{keyFile}' does not exist (it is created with a new key when encrypt_at_rest is on)");
        if (storage.EncryptAtRest && keyFile is null && environment.Count == 0)
            problems.Add("session_management:session_storage:encrypt_at_rest: needs a key: name a key file in session_storage.key_file " +
                "(created with a new key if missing) or give one in SM_ENCRYPTION_KEY (32 random bytes in base64) — docs/privacy.md");
        if (problems.Count > 0)
            throw new InvalidConfigurationException(problems);
        return new AtRest(storage.EncryptAtRest, keyFile, environment, time);
    }

    /// <summary>A holder of these keys, for tests and tools: <paramref name="keys"/> the current one first.</summary>
    public static AtRest With(IReadOnlyList<(string Id, byte[] Key)> keys, bool seals = true) => new(seals, null, keys, TimeProvider.System);

    /// <summary><paramref name="plain"/> as it is to be kept: sealed when sealing is on, else as it is.</summary>
    public byte[] Seal(byte[] plain, string record) => Seals ? Cipher!.Seal(plain, record) : plain;

    /// <inheritdoc cref="Seal(byte[], string)"/>
    public ReadOnlyMemory<byte> Seal(ReadOnlyMemory<byte> plain, string record) => Seals ? Cipher!.Seal(plain.Span, record) : plain;

    /// <summary>The plain bytes of what was kept: opened if it was sealed.</summary>
    public byte[] Open(byte[] stored, string record)
    {
        if (ContentCipher.KeyIdOf(stored) is not { } keyId)
            return stored;
        return CipherFor(keyId, record).Open(stored, record);
    }

    private ContentCipher CipherFor(string? keyId, string record) =>
        Cipher ?? throw new CryptographicException($"{record} is sealed under key '{keyId}', and no key is configured (session_storage.key_file, SM_ENCRYPTION_KEY)");

    /// <summary>Whether kept bytes are sealed: they name the key they were sealed under.</summary>
    public static bool IsSealed(ReadOnlySpan<byte> stored) => ContentCipher.KeyIdOf(stored) is not null;

    /// <summary>
    /// <see cref="Open(byte[], string)"/> for sealed bytes (<see cref="IsSealed"/>) read into a buffer of the caller's: opened into
    /// <paramref name="destination"/>, as long as <paramref name="stored"/> at the least; returns the length of the plain bytes there.
    /// </summary>
    public int Open(ReadOnlySpan<byte> stored, Span<byte> destination, string record) =>
        CipherFor(ContentCipher.KeyIdOf(stored), record).Open(stored, destination, record);

    /// <summary>Text as a text column keeps it: sealed (<see cref="TextMark"/> and base64) when sealing is on; empty text stays empty.</summary>
    [return: NotNullIfNotNull(nameof(text))]
    public string? SealText(string? text, string record)
    {
        if (!Seals || string.IsNullOrEmpty(text))
            return text;
        using var sealedText = new RentedBytes(isText: true);
        WriteSealedText(text, record, sealedText);
        return Encoding.ASCII.GetString(sealedText.Span);
    }

    /// <summary>
    /// <see cref="SealText"/> for a store that writes many rows at once: the text itself when it is kept as it is, else its sealed form,
    /// the same characters, as UTF-8 in a pooled buffer (<see cref="RentedBytes"/>, to be disposed once written).
    /// </summary>
    public object? TextColumn(string? text, string record)
    {
        if (!Seals || string.IsNullOrEmpty(text))
            return text;
        var sealedText = new RentedBytes(isText: true);
        WriteSealedText(text, record, sealedText);
        return sealedText;
    }

    /// <summary>
    /// Bytes as a blob column keeps them: as they are when sealing is off, else sealed into a pooled buffer (<see cref="RentedBytes"/>,
    /// to be disposed once written): <see cref="Seal(ReadOnlyMemory{byte}, string)"/>'s bytes without an array of their own.
    /// </summary>
    public object BlobColumn(ReadOnlyMemory<byte> plain, string record)
    {
        if (!Seals)
            return plain;
        var cipher = Cipher!;
        var length = cipher.SealedLength(plain.Length);
        var sealedBytes = new RentedBytes(isText: false, length);
        cipher.Seal(plain.Span, sealedBytes.GetSpan(length), record);
        sealedBytes.Advance(length);
        return sealedBytes;
    }

    /// <summary>The mark, then the text's UTF-8 sealed and in base64, written to <paramref name="output"/>.</summary>
    private void WriteSealedText(string text, string record, RentedBytes output)
    {
        var cipher = Cipher!;
        var utf8 = System.Buffers.ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            var plainLength = Encoding.UTF8.GetBytes(text, utf8);
            var sealedLength = cipher.SealedLength(plainLength);
            var span = output.GetSpan(TextMark.Length + System.Buffers.Text.Base64.GetMaxEncodedToUtf8Length(sealedLength));
            Encoding.ASCII.GetBytes(TextMark, span);
            // Sealed where its base64 goes, then encoded there.
            cipher.Seal(utf8.AsSpan(0, plainLength), span[TextMark.Length..], record);
            System.Buffers.Text.Base64.EncodeToUtf8InPlace(span[TextMark.Length..], sealedLength, out var written);
            output.Advance(TextMark.Length + written);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(utf8);
        }
    }

    /// <summary>The text a text column kept: opened when it carries <see cref="TextMark"/>.</summary>
    [return: NotNullIfNotNull(nameof(stored))]
    public string? OpenText(string? stored, string record)
    {
        if (stored is null || !stored.StartsWith(TextMark, StringComparison.Ordinal))
            return stored;
        byte[] sealedBytes;
        try
        {
            sealedBytes = Convert.FromBase64String(stored[TextMark.Length..]);
        }
        catch (FormatException)
        {
            return stored; // text that happens to begin with the mark
        }
        return Encoding.UTF8.GetString(Open(sealedBytes, record));
    }

    /// <summary>Whether kept bytes are to be sealed again: sealing is on and they are in clear or under another key than the current.</summary>
    public bool IsStale(byte[]? stored) => Seals && stored is { Length: > 0 } && ContentCipher.KeyIdOf(stored) != CurrentKeyId;

    /// <summary>Whether kept text is to be sealed again (<see cref="IsStale(byte[])"/>).</summary>
    public bool IsStale(string? stored)
    {
        if (!Seals || string.IsNullOrEmpty(stored))
            return false;
        if (!stored.StartsWith(TextMark, StringComparison.Ordinal))
            return true;
        try
        {
            return ContentCipher.KeyIdOf(Convert.FromBase64String(stored[TextMark.Length..])) != CurrentKeyId;
        }
        catch (FormatException)
        {
            return true;
        }
    }

    /// <summary>
    /// What a search index holds for <paramref name="texts"/> when sealing: each word's keyed token (current key), space separated, as
    /// often as the word comes (so ranking by frequency still works); null when not sealing (the index then holds the words).
    /// </summary>
    public string? SearchTokens(params string?[] texts)
    {
        if (!Seals)
            return null;
        var (cipher, any) = (Cipher!, false);
        using var tokens = new RentedBytes(isText: true);
        foreach (var text in texts)
        {
            if (text is not null)
                AppendTokens(cipher, text, tokens, ref any);
        }
        return Encoding.ASCII.GetString(tokens.Span);
    }

    /// <summary>
    /// <see cref="SearchTokens"/> of two texts as a store kept them (<see cref="SealText"/>'s, sealed or in clear; their UTF-8, empty
    /// for none), for a store that indexes many messages at once and reads them where it holds them: opened and tokenized in pooled
    /// buffers, the tokens as UTF-8 in one (<see cref="RentedBytes"/>, to be disposed once written), whether new writes are sealed or
    /// not. Null without a key; throws <see cref="CryptographicException"/> for text sealed under a key not held.
    /// </summary>
    public RentedBytes? SearchTokensOfKept(ReadOnlySpan<byte> text, string textRecord, ReadOnlySpan<byte> more, string moreRecord)
    {
        if (Cipher is not { } cipher)
            return null;
        // A word and its space are 2 characters at the least, and give 14 bytes: room for words of 5 letters on average (less sealed).
        var tokens = new RentedBytes(isText: true, (text.Length + more.Length) * 5 / 2 + 64);
        try
        {
            var any = false;
            AppendTokensOfKept(cipher, text, textRecord, tokens, ref any);
            AppendTokensOfKept(cipher, more, moreRecord, tokens, ref any);
            return tokens;
        }
        catch
        {
            tokens.Dispose();
            throw;
        }
    }

    private static readonly byte[] TextMarkUtf8 = Encoding.ASCII.GetBytes(TextMark);

    /// <summary>The tokens of text as <see cref="OpenText"/> reads it (its UTF-8 as kept), opened into pooled buffers instead of a string.</summary>
    private static void AppendTokensOfKept(ContentCipher cipher, ReadOnlySpan<byte> kept, string record, RentedBytes output, ref bool any)
    {
        if (!kept.StartsWith(TextMarkUtf8))
        {
            AppendTokensOfUtf8(cipher, kept, output, ref any);
            return;
        }
        var base64 = kept[TextMarkUtf8.Length..];
        var sealedBytes = System.Buffers.ArrayPool<byte>.Shared.Rent(System.Buffers.Text.Base64.GetMaxDecodedFromUtf8Length(base64.Length));
        try
        {
            if (System.Buffers.Text.Base64.DecodeFromUtf8(base64, sealedBytes, out _, out var length) != System.Buffers.OperationStatus.Done)
            {
                AppendTokensOfUtf8(cipher, kept, output, ref any); // text that happens to begin with the mark
                return;
            }
            var plain = System.Buffers.ArrayPool<byte>.Shared.Rent(length);
            try
            {
                AppendTokensOfUtf8(cipher, plain.AsSpan(0, cipher.Open(sealedBytes.AsSpan(0, length), plain, record)), output, ref any);
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(plain);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(sealedBytes);
        }
    }

    private static void AppendTokensOfUtf8(ContentCipher cipher, ReadOnlySpan<byte> utf8, RentedBytes output, ref bool any)
    {
        if (utf8.IsEmpty)
            return;
        var chars = System.Buffers.ArrayPool<char>.Shared.Rent(Encoding.UTF8.GetMaxCharCount(utf8.Length));
        try
        {
            AppendTokens(cipher, chars.AsSpan(0, Encoding.UTF8.GetChars(utf8, chars)), output, ref any);
        }
        finally
        {
            System.Buffers.ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>Each word of <paramref name="text"/> as its token under the current key, after a space when one came before.</summary>
    private static void AppendTokens(ContentCipher cipher, ReadOnlySpan<char> text, RentedBytes output, ref bool any)
    {
        Span<char> buffer = stackalloc char[64];
        var length = 0;
        var tooLong = false;
        for (var i = 0; i <= text.Length; i++)
        {
            var c = i < text.Length ? text[i] : ' ';
            if (char.IsLetterOrDigit(c))
            {
                if (length < buffer.Length)
                    buffer[length++] = char.ToLowerInvariant(c);
                else
                    tooLong = true;
                continue;
            }
            if (length > 0)
            {
                // Words as Words() splits them; one past the buffer is rare (a hash, a blob) and goes the long way.
                var span = output.GetSpan(ContentCipher.TokenLength + 1);
                if (any)
                    span[0] = (byte)' ';
                var written = any ? 1 : 0;
                if (tooLong)
                    written += Encoding.ASCII.GetBytes(cipher.IndexTokens(LongWord(text, i))[0], span[written..]);
                else
                {
                    cipher.CurrentIndexTokenUtf8(buffer[..length]).CopyTo(span[written..]);
                    written += ContentCipher.TokenLength;
                }
                output.Advance(written);
                any = true;
            }
            (length, tooLong) = (0, false);
        }
    }

    /// <summary>The word of <paramref name="text"/> that ends before <paramref name="end"/>, in lower case.</summary>
    private static string LongWord(ReadOnlySpan<char> text, int end)
    {
        var start = end;
        while (start > 0 && char.IsLetterOrDigit(text[start - 1]))
            start--;
        return text[start..end].ToString().ToLowerInvariant();
    }

    /// <summary>
    /// How a hash that pairs records is kept, and the two it is looked for as: when sealing, keyed under the current key (an unkeyed
    /// hash of a short prompt would tell which prompt it is), and under the key before it, so a pair split by a rotation still
    /// joins; else as it is.
    /// </summary>
    public (string Current, string Previous) PairingHashes(string hash)
    {
        if (!Seals)
            return (hash, hash);
        var keyed = Cipher!.KeyedHashes(hash);
        return (keyed[0], keyed.Count > 1 ? keyed[1] : keyed[0]);
    }

    /// <summary>A pairing hash as it is kept (<see cref="PairingHashes"/>'s current); null for none.</summary>
    public string? StoredPairingHash(string? hash) => hash is null ? null : PairingHashes(hash).Current;

    /// <summary>The tokens a search for <paramref name="word"/> looks for: one under each key held; none without a key.</summary>
    public IReadOnlyList<string> QueryTokens(string word) => Cipher?.IndexTokens(word) ?? [];

    /// <summary>
    /// The words of a text as sealed search keeps them: runs of letters and digits, in lower case. Accents are kept (the host runs
    /// without culture data, so a sealed search for <c>zebra</c> does not find <c>zébra</c>, where SQLite's own index of text in
    /// clear would).
    /// </summary>
    public static IEnumerable<string> Words(string text)
    {
        var word = new StringBuilder();
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(char.ToLowerInvariant(c));
                continue;
            }
            if (word.Length > 0)
            {
                yield return word.ToString();
                word.Clear();
            }
        }
        if (word.Length > 0)
            yield return word.ToString();
    }

    /// <summary>
    /// Makes a new key the current one: written first in the key file, the keys before it kept after it (still read). Records are
    /// sealed again under it in the background (<see cref="AtRestResealer"/>). Returns the new key's id.
    /// </summary>
    public string Rotate()
    {
        if (_keyFile is null)
            throw new InvalidOperationException("keys can be rotated only in a key file (session_storage.key_file); a key given in SM_ENCRYPTION_KEY is changed where it is set");
        lock (_reload)
        {
            var problems = new List<string>();
            var keys = File.Exists(_keyFile) ? ReadKeyFile(_keyFile, problems) : [];
            if (problems.Count > 0)
                throw new InvalidConfigurationException(problems);
            var id = NewKeyId(_time);
            while (keys.Any(k => k.Id == id))
                id += "b";
            WriteKeyFile(_keyFile, [(id, RandomNumberGenerator.GetBytes(32)), .. keys]);
            _cipher = Load();
            return id;
        }
    }

    private ContentCipher? Cipher
    {
        get
        {
            if (_keyFile is not null && _time.GetElapsedTime(Interlocked.Read(ref _checkedAt)) >= ReloadEvery)
            {
                Interlocked.Exchange(ref _checkedAt, _time.GetTimestamp());
                if (SafeWriteTime(_keyFile) != _keyFileWritten)
                {
                    lock (_reload)
                    {
                        try
                        {
                            _cipher = Load();
                        }
                        catch (InvalidConfigurationException)
                        {
                            // A key file being written by another process: the keys held stay until it reads whole.
                        }
                    }
                }
            }
            return _cipher;
        }
    }

    private ContentCipher? Load()
    {
        var keys = new List<(string Id, byte[] Key)>();
        if (_keyFile is not null && File.Exists(_keyFile))
        {
            _keyFileWritten = SafeWriteTime(_keyFile);
            var problems = new List<string>();
            keys.AddRange(ReadKeyFile(_keyFile, problems));
            if (problems.Count > 0)
                throw new InvalidConfigurationException(problems);
        }
        keys.AddRange(_environmentKeys.Where(e => keys.All(k => k.Id != e.Id)));
        return keys.Count == 0 ? null : new ContentCipher(keys);
    }

    private static DateTime SafeWriteTime(string path)
    {
        try
        {
            return File.GetLastWriteTimeUtc(path);
        }
        catch (IOException)
        {
            return default;
        }
    }

    private static List<(string Id, byte[] Key)> ReadKeyFile(string path, List<string> problems)
    {
        var keys = new List<(string, byte[])>();
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            problems.Add($"session_management:session_storage:key_file: cannot read '{path}': {error.Message}");
            return keys;
        }
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            var parts = line.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2 || ParseKey(parts[0], parts[1]) is not { } key)
                problems.Add($"session_management:session_storage:key_file: '{path}' line {i + 1}: expected '<id> <32 bytes in base64>', the id 1 to 32 letters, digits, - or _");
            else
                keys.Add(key);
        }
        if (keys.Count == 0 && problems.Count == 0)
            problems.Add($"session_management:session_storage:key_file: '{path}' holds no key");
        return keys;
    }

    private static List<(string Id, byte[] Key)> ParseEnvironmentKeys(string? value, List<string> problems)
    {
        var keys = new List<(string, byte[])>();
        foreach (var entry in (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = entry.IndexOf(':');
            var (id, base64) = colon > 0 ? (entry[..colon], entry[(colon + 1)..]) : ("env", entry);
            if (ParseKey(id, base64) is { } key)
                keys.Add(key);
            else
                problems.Add("SM_ENCRYPTION_KEY: each key is [id:]base64 of 32 random bytes (openssl rand -base64 32), the id 1 to 32 letters, digits, - or _");
        }
        return keys;
    }

    private static (string Id, byte[] Key)? ParseKey(string id, string base64)
    {
        if (id.Length is < 1 or > 32 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            return null;
        try
        {
            var key = Convert.FromBase64String(base64);
            return key.Length == 32 ? (id, key) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string NewKeyId(TimeProvider time) => "k" + time.GetUtcNow().ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);

    /// <summary>Writes the key file whole (a new file moved over the old), readable by its owner only.</summary>
    private static void WriteKeyFile(string path, IReadOnlyList<(string Id, byte[] Key)> keys)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".new";
        var text = "# session management keys at rest: the first seals, every one opens. Keep this file out of backups of the data.\n" +
            string.Concat(keys.Select(k => $"{k.Id} {Convert.ToBase64String(k.Key)}\n"));
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var file = new FileStream(temporary, options))
        {
            file.Write(Encoding.ASCII.GetBytes(text));
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }
}
