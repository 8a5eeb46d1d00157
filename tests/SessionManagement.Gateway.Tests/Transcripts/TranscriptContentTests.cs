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
}
