using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using SessionManagement.Hosting.Configuration;
using SessionManagement.Hosting.Options;
using SessionManagement.Hosting.Security;
using SessionManagement.Hosting.Storage;
using SessionManagement.Testing;

namespace SessionManagement.Hosting.Tests.Security;

/// <summary>
/// Where keys at rest come from and how they change: the key file (created when missing, readable by its owner alone, the current
/// key first), <c>SM_ENCRYPTION_KEY</c>, a setting without a key refused, a rotation another process sees; and what sealed text and
/// search tokens hold. The witness for the file is its bytes and its mode, read here.
/// </summary>
public sealed class AtRestTests
{
    [Fact]
    public void When_encryption_is_on_without_a_key_Should_refuse_naming_the_setting_and_where_a_key_goes()
    {
        var error = Assert.Throws<InvalidConfigurationException>(() => Load(new SessionStorageOptions { EncryptAtRest = true }));

        var problem = Assert.Single(error.Problems);
        Assert.StartsWith("session_management:session_storage:encrypt_at_rest: needs a key", problem, StringComparison.Ordinal);
        Assert.Contains("SM_ENCRYPTION_KEY", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("c2hvcnQ=")] // "short": 5 bytes
    [InlineData("bad id:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")]
    public void When_the_environment_key_is_wrong_Should_refuse_naming_it(string value)
    {
        var error = Assert.Throws<InvalidConfigurationException>(() => Load(new SessionStorageOptions(), value));

        Assert.StartsWith("SM_ENCRYPTION_KEY:", Assert.Single(error.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void When_a_named_key_file_is_missing_Should_create_it_with_a_new_key_readable_by_its_owner_alone()
    {
        using var directory = new TempDirectory();
        var file = Path.Combine(directory.Path, "nested", "keys");

        var atRest = Load(new SessionStorageOptions { EncryptAtRest = true, KeyFile = file });

        var line = File.ReadAllLines(file).Single(l => !l.StartsWith('#'));
        var (id, key) = (line.Split(' ')[0], Convert.FromBase64String(line.Split(' ')[1]));
        Assert.Equal(32, key.Length);
        Assert.Equal(id, atRest.CurrentKeyId);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        // What it seals opens with .NET's AES-GCM and the key read from the file, by the documented layout.
        var sealedBytes = atRest.Seal("a line of the conversation"u8.ToArray(), "chat_messages.raw");
        Assert.Equal(Encoding.ASCII.GetBytes("SMe1" + (char)id.Length + id), sealedBytes[..(5 + id.Length)]);
        var rest = sealedBytes[(5 + id.Length)..];
        var plain = new byte[rest.Length - 28];
        using (var aes = new AesGcm(key, 16))
            aes.Decrypt(rest[..12], rest[28..], rest[12..28], plain, "chat_messages.raw"u8);
        Assert.Equal("a line of the conversation", Encoding.UTF8.GetString(plain));
    }

    [Fact]
    public void When_text_is_sealed_Should_keep_no_word_of_it_and_read_text_kept_in_clear_as_it_is()
    {
        var atRest = TestKeys.Sealing();

        var kept = atRest.SealText("the zebra parser fails", "chat_messages.text")!;

        Assert.StartsWith(AtRest.TextMark, kept, StringComparison.Ordinal);
        Assert.DoesNotContain("zebra", kept, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("the zebra parser fails", atRest.OpenText(kept, "chat_messages.text"));
        Assert.Throws<CryptographicException>(() => atRest.OpenText(kept, "chat_messages.tool_text")); // moved to another column
        Assert.Equal("kept in clear before", atRest.OpenText("kept in clear before", "chat_messages.text"));
        Assert.Equal("", atRest.SealText("", "chat_messages.text"));
        Assert.True(atRest.IsStale("kept in clear before"));
        Assert.False(atRest.IsStale(kept));
        Assert.False(AtRest.Off.IsStale("kept in clear before")); // nothing is sealed again while sealing is off
    }

    [Fact]
    public void When_words_are_indexed_sealed_Should_give_each_word_one_token_that_does_not_hold_it()
    {
        var atRest = TestKeys.Sealing();

        var tokens = atRest.SearchTokens("Zebra parser, zebra PARSER", null)!.Split(' ');

        Assert.Equal(4, tokens.Length); // each word as often as it comes
        Assert.Equal(2, tokens.Distinct().Count()); // case aside
        Assert.Equal(atRest.QueryTokens("zebra")[0], tokens[0]);
        Assert.DoesNotContain(tokens, t => t.Contains("zebra", StringComparison.OrdinalIgnoreCase) || t.Contains("parser", StringComparison.OrdinalIgnoreCase));
        Assert.Null(AtRest.Off.SearchTokens("zebra"));
        var longWord = new string('x', 70) + "Y"; // past the words a token is kept for: the long way, the same token
        Assert.Equal(atRest.QueryTokens(longWord.ToLowerInvariant())[0], atRest.SearchTokens("a " + longWord + "!")!.Split(' ')[1]);
    }

    [Fact]
    public void When_a_store_writes_sealed_columns_and_tokens_from_pooled_buffers_Should_write_what_an_independent_AES_GCM_and_HMAC_give()
    {
        var atRest = TestKeys.Sealing();
        var text = string.Concat(Enumerable.Range(0, 5_000).Select(i => $"Zébra {i} ")); // past any first guess of the room needed
        var words = string.Concat(Enumerable.Repeat("a b ", 10_000)); // words of one letter: tokens 7 times the text's size

        using var column = Assert.IsType<RentedBytes>(atRest.TextColumn(text, "chat_messages.text"));
        using var tokens = atRest.SearchTokensOfKept(Encoding.UTF8.GetBytes(words), "chat_messages.text", "Zébra 7"u8, "chat_messages.tool_text")!;
        using var tokensOfSealed = atRest.SearchTokensOfKept(Encoding.UTF8.GetBytes(atRest.SealText(words, "chat_messages.text")), "chat_messages.text",
            Encoding.UTF8.GetBytes(atRest.SealText("Zébra 7", "chat_messages.tool_text")), "chat_messages.tool_text")!;
        using var block = Assert.IsType<RentedBytes>(atRest.BlobColumn("a block of lines\n"u8.ToArray(), "chat_raw_blocks.bytes"));

        // The text column: the mark, then base64 of SMe1, the key id, a nonce, the tag and the text sealed under the first test key.
        Assert.True(column.IsText);
        var kept = Encoding.ASCII.GetString(column.Span);
        Assert.StartsWith(AtRest.TextMark, kept, StringComparison.Ordinal);
        var sealedBytes = Convert.FromBase64String(kept[AtRest.TextMark.Length..]);
        Assert.Equal(Encoding.UTF8.GetBytes(text), OpenIndependently(sealedBytes, "chat_messages.text"));
        Assert.False(block.IsText);
        Assert.Equal("a block of lines\n"u8.ToArray(), OpenIndependently(block.Span.ToArray(), "chat_raw_blocks.bytes"));
        // Each word's token: t and the first 6 bytes of its HMAC-SHA256 under the key derived for the index, in hexadecimal.
        var indexKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, TestKeys.First, 32, info: "session-management search index"u8.ToArray());
        string Token(string word) => "t" + Convert.ToHexStringLower(HMACSHA256.HashData(indexKey, Encoding.UTF8.GetBytes(word))[..6]);
        var expected = string.Join(' ', Enumerable.Repeat($"{Token("a")} {Token("b")}", 10_000).Append($"{Token("zébra")} {Token("7")}"));
        Assert.Equal(expected, Encoding.ASCII.GetString(tokens.Span));
        Assert.Equal(expected, Encoding.ASCII.GetString(tokensOfSealed.Span)); // opened first
        Assert.Throws<CryptographicException>(() => atRest.SearchTokensOfKept(Encoding.UTF8.GetBytes(atRest.SealText(words, "chat_messages.text")), "chat_messages.tool_text", [], ""));
        Assert.Null(AtRest.Off.SearchTokensOfKept(Encoding.UTF8.GetBytes(words), "chat_messages.text", [], "chat_messages.tool_text"));
        Assert.Same(text, AtRest.Off.TextColumn(text, "chat_messages.text")); // kept as it is
    }

    private static byte[] OpenIndependently(byte[] sealedBytes, string record)
    {
        Assert.Equal("SMe1\u0006test-1"u8.ToArray(), sealedBytes[..11]);
        var rest = sealedBytes[11..];
        var plain = new byte[rest.Length - 28];
        using var aes = new AesGcm(TestKeys.First, 16);
        aes.Decrypt(rest[..12], rest[28..], rest[12..28], plain, Encoding.UTF8.GetBytes(record));
        return plain;
    }

    [Fact]
    public void When_keys_are_rotated_Should_seal_with_the_new_key_open_with_both_and_another_process_should_see_it()
    {
        using var directory = new TempDirectory();
        var file = Path.Combine(directory.Path, "keys");
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-02T10:00:00Z"));
        var here = Load(new SessionStorageOptions { EncryptAtRest = true, KeyFile = file }, time: clock);
        var elsewhere = Load(new SessionStorageOptions { EncryptAtRest = true, KeyFile = file }, time: clock);
        var old = here.CurrentKeyId!;
        var before = here.Seal("sealed before"u8.ToArray(), "r");

        clock.Advance(TimeSpan.FromHours(1));
        var current = here.Rotate();
        clock.Advance(AtRest.ReloadEvery);

        Assert.NotEqual(old, current);
        Assert.Equal([current, old], here.KeyIds);
        Assert.Equal(current, elsewhere.CurrentKeyId); // read again from the changed file
        Assert.Equal(current, ContentCipher.KeyIdOf(elsewhere.Seal("new"u8.ToArray(), "r")));
        Assert.Equal("sealed before", Encoding.UTF8.GetString(elsewhere.Open(before, "r")));
        Assert.True(here.IsStale(before));
        Assert.Equal(current, File.ReadAllLines(file).First(l => !l.StartsWith('#')).Split(' ')[0]);
    }

    [Fact]
    public void When_the_key_comes_from_the_environment_Should_refuse_to_rotate_it()
    {
        var atRest = Load(new SessionStorageOptions { EncryptAtRest = true }, TestKeys.EnvironmentValue);

        Assert.Equal("test-1", atRest.CurrentKeyId);
        Assert.False(atRest.CanRotate);
        Assert.Contains("SM_ENCRYPTION_KEY", Assert.Throws<InvalidOperationException>(() => atRest.Rotate()).Message, StringComparison.Ordinal);
    }

    private static AtRest Load(SessionStorageOptions storage, string? environmentKey = null, TimeProvider? time = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(environmentKey is null ? [] : [new KeyValuePair<string, string?>(AtRest.KeyVariable, environmentKey)]).Build();
        return AtRest.Load(configuration, storage, time ?? TimeProvider.System);
    }
}
