using System.Text;
using SessionManagement.Contracts.Gateway;

namespace SessionManagement.Gateway.Tests.Transcripts;

public sealed class TranscriptContentTests
{
    private static readonly byte[] Lines = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 50).Select(i => $"{{\"n\":{i},\"text\":\"é\\\"x\\\"\"}}\n")));

    [Fact]
    public void When_lines_are_packed_Should_unpack_to_the_same_bytes_compressed_or_not()
    {
        var (gzip, gzipEncoding) = TranscriptContent.Pack(Lines, compress: true);
        var (plain, plainEncoding) = TranscriptContent.Pack(Lines, compress: false);
        var (small, smallEncoding) = TranscriptContent.Pack("{}\n"u8, compress: true);

        Assert.Equal((TranscriptContent.Gzip, TranscriptContent.Plain, TranscriptContent.Plain), (gzipEncoding, plainEncoding, smallEncoding));
        Assert.True(gzip.Length < Lines.Length / 2);
        Assert.Equal(Lines, TranscriptContent.Unpack(gzip, gzipEncoding));
        Assert.Equal(Lines, TranscriptContent.Unpack(plain, plainEncoding));
        Assert.Equal(["{}"], TranscriptContent.Lines(TranscriptContent.Unpack(small, smallEncoding)));
        Assert.Equal(50, TranscriptContent.Lines(Lines).Count);
    }

    [Fact]
    public void When_content_is_damaged_or_its_encoding_unknown_Should_say_so_instead_of_returning_wrong_lines()
    {
        var (gzip, _) = TranscriptContent.Pack(Lines, compress: true);
        var longer = gzip.ToArray();
        longer[^4]--; // the trailer claims one byte fewer than the stream holds

        Assert.Throws<InvalidDataException>(() => TranscriptContent.Unpack(gzip[..^8], TranscriptContent.Gzip));
        Assert.Throws<InvalidDataException>(() => TranscriptContent.Unpack(gzip[..10], TranscriptContent.Gzip));
        Assert.Throws<InvalidDataException>(() => TranscriptContent.Unpack(longer, TranscriptContent.Gzip));
        Assert.Throws<InvalidDataException>(() => TranscriptContent.Unpack(gzip, "zstd"));
    }

    [Fact]
    public void When_a_block_is_handed_over_in_the_process_Should_stay_readable_while_leased_after_its_sender_lets_go_and_not_after()
    {
        var (packed, encoding) = TranscriptContent.PackPooled(Lines, compress: true);
        var message = new TranscriptLinesCaptured(Guid.NewGuid(), "s-held", "t.jsonl", 0, Lines.Length, 50, [], encoding, DateTimeOffset.UtcNow, "h", "u");
        var (handed, hold) = InProcessContent.HandOver(message, packed, Lines);

        var lease = handed.PackedContent();
        hold.Dispose(); // the sender stops waiting while the receiver still reads

        // Unpacked here with the framework's gzip, not ours: the leased bytes are the lines, compressed.
        using (var unzip = new System.IO.Compression.GZipStream(new MemoryStream(lease.Bytes.ToArray()), System.IO.Compression.CompressionMode.Decompress))
        using (var read = new MemoryStream())
        {
            unzip.CopyTo(read);
            Assert.Equal(Lines, read.ToArray());
        }
        Assert.Equal((TranscriptContent.Gzip, 0), (encoding, handed.Content.Length));
        lease.Dispose();
        lease.Dispose(); // once is enough; again does nothing
        var gone = Assert.Throws<InvalidDataException>(() => handed.PackedContent());
        Assert.Contains("no longer held", gone.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void When_lines_are_packed_into_a_pooled_buffer_Should_hold_what_packing_into_an_array_gives()
    {
        var (array, arrayEncoding) = TranscriptContent.Pack(Lines, compress: true);
        var (pooled, pooledEncoding) = TranscriptContent.PackPooled(Lines, compress: true);
        var (small, smallEncoding) = TranscriptContent.PackPooled("{}\n"u8, compress: true);

        Assert.Equal(arrayEncoding, pooledEncoding);
        Assert.Equal(array, pooled.Bytes.ToArray());
        Assert.Equal((TranscriptContent.Plain, "{}\n"), (smallEncoding, Encoding.UTF8.GetString(small.Bytes.Span)));
        pooled.Dispose();
        small.Dispose();
    }
}
