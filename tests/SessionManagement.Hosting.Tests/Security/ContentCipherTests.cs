using System.Security.Cryptography;
using System.Text;
using SessionManagement.Hosting.Security;

namespace SessionManagement.Hosting.Tests.Security;

/// <summary>
/// The cipher for content at rest, checked against .NET's own AES-GCM opening the sealed bytes by their documented layout, and by
/// what must fail: a changed byte, a record moved to another's place, a key that is not held.
/// </summary>
public sealed class ContentCipherTests
{
    private static readonly byte[] Old = RandomNumberGenerator.GetBytes(32), New = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public void When_many_threads_seal_and_open_at_once_Should_each_get_its_own_record_back()
    {
        // One AES-GCM instance fails when two threads use it at once (the bug a benchmark found: hooks refused under load).
        var cipher = new ContentCipher([("k2026", New)]);
        var failures = 0;

        Parallel.For(0, 20_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var plain = Encoding.UTF8.GetBytes("record " + i);
            if (Encoding.UTF8.GetString(cipher.Open(cipher.Seal(plain, "r"), "r")) != "record " + i)
                Interlocked.Increment(ref failures);
        });

        Assert.Equal(0, failures);
    }

    [Fact]
    public void When_records_are_sealed_on_many_threads_Should_give_each_a_nonce_of_its_own()
    {
        // Nonces are drawn in bulk, a thread's share at a time: no 12 bytes of it may be handed out twice, on one thread or across them.
        var cipher = new ContentCipher([("k2026", New)]);
        var nonces = new System.Collections.Concurrent.ConcurrentBag<string>();

        Parallel.For(0, 50_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var sealedBytes = cipher.Seal("same"u8, "r");
            nonces.Add(Convert.ToHexString(sealedBytes, 5 + sealedBytes[4], 12)); // after the mark and the key id, by the layout
        });

        Assert.Equal(50_000, nonces.Distinct().Count());
    }

    [Fact]
    public void When_content_is_sealed_Should_hold_no_plain_text_and_open_with_an_independent_AES_GCM_by_its_layout()
    {
        var cipher = new ContentCipher([("k2026", New)]);
        var plain = Encoding.UTF8.GetBytes("the quarterly numbers are in finance/q3.xlsx");

        var sealedBytes = cipher.Seal(plain, "context_items:item-1");

        Assert.DoesNotContain("quarterly", Encoding.Latin1.GetString(sealedBytes), StringComparison.Ordinal);
        Assert.Equal("SMe1"u8.ToArray(), sealedBytes[..4]);
        Assert.Equal("k2026", Encoding.ASCII.GetString(sealedBytes, 5, sealedBytes[4]));
        var rest = sealedBytes.AsSpan(5 + sealedBytes[4]);
        var opened = new byte[rest.Length - 28];
        using (var aes = new AesGcm(New, 16))
            aes.Decrypt(rest[..12], rest[28..], rest.Slice(12, 16), opened, "context_items:item-1"u8);
        Assert.Equal(plain, opened);
        Assert.Equal(plain, cipher.Open(sealedBytes, "context_items:item-1"));
        Assert.NotEqual(sealedBytes, cipher.Seal(plain, "context_items:item-1")); // a fresh nonce each time
    }

    [Fact]
    public void When_a_record_is_changed_moved_or_sealed_under_a_key_not_held_Should_not_open()
    {
        var cipher = new ContentCipher([("k2026", New)]);
        var sealedBytes = cipher.Seal("a note"u8, "context_items:item-1");
        var changed = (byte[])sealedBytes.Clone();
        changed[^1] ^= 1;

        Assert.Throws<CryptographicException>(() => cipher.Open(changed, "context_items:item-1"));
        Assert.Throws<CryptographicException>(() => cipher.Open(sealedBytes, "context_items:item-2"));
        var missing = Assert.Throws<CryptographicException>(() => new ContentCipher([("k2027", Old)]).Open(sealedBytes, "context_items:item-1"));
        Assert.Contains("key 'k2026', which is not configured", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void When_keys_are_rotated_Should_seal_with_the_new_open_both_and_read_what_was_never_sealed()
    {
        var before = new ContentCipher([("k2025", Old)]);
        var during = new ContentCipher([("k2026", New), ("k2025", Old)]);
        var oldRecord = before.Seal("written last year"u8, "saver_events:e-1");

        var newRecord = during.Seal("written today"u8, "saver_events:e-2");

        Assert.Equal("k2026", ContentCipher.KeyIdOf(newRecord));
        Assert.Equal("k2025", ContentCipher.KeyIdOf(oldRecord));
        Assert.Equal("written last year"u8.ToArray(), during.Open(oldRecord, "saver_events:e-1"));
        Assert.Equal("written today"u8.ToArray(), during.Open(newRecord, "saver_events:e-2"));
        Assert.Null(ContentCipher.KeyIdOf("{\"plain\":true}"u8));
        Assert.Equal("{\"plain\":true}"u8.ToArray(), during.Open("{\"plain\":true}"u8, "saver_events:e-0"));
        // The search index's token for a word: the same under the same key, in any case; another under another key.
        Assert.Equal(before.IndexTokens("Quarterly")[0], during.IndexTokens("quarterly")[1]);
        Assert.NotEqual(during.IndexTokens("quarterly")[0], during.IndexTokens("quarterly")[1]);
        Assert.DoesNotContain("quarterly", during.IndexTokens("quarterly")[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", 32, "1 to 32 letters")]
    [InlineData("k/1", 32, "1 to 32 letters")]
    [InlineData("k1", 16, "16 bytes, where AES-256 takes 32")]
    public void When_a_key_is_wrong_Should_say_what_is_wrong_with_it(string id, int bytes, string problem)
    {
        var error = Assert.Throws<ArgumentException>(() => new ContentCipher([(id, new byte[bytes])]));

        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }
}
