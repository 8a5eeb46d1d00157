using System.Text;
using SessionManagement.Contracts.Gateway;

namespace SessionManagement.Gateway.Tests.Transcripts;

public sealed class TranscriptContentTests
{
    private static readonly byte[] Lines = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 50).Select(i => $"{{\"n\":{i},\"text\":\"é\\\"x\\\"\"}}\n")));

    [Fact]
    public void When_lines_are_packed_Should_unpack_to_the_same_bytes_compressed_or_not()
    {
        var (packed, packedEncoding) = TranscriptContent.Pack(Lines, compress: true);
        var (plain, plainEncoding) = TranscriptContent.Pack(Lines, compress: false);
        var (small, smallEncoding) = TranscriptContent.Pack("{}\n"u8, compress: true);

        Assert.Equal((TranscriptContent.Brotli, TranscriptContent.Plain, TranscriptContent.Plain), (packedEncoding, plainEncoding, smallEncoding));
        Assert.True(packed.Length < Lines.Length / 2);
        Assert.Equal(Lines, TranscriptContent.Unpack(packed, packedEncoding));
        Assert.Equal(Lines, TranscriptContent.Unpack(plain, plainEncoding));
        Assert.Equal(["{}"], TranscriptContent.Lines(TranscriptContent.Unpack(small, smallEncoding)));
        Assert.Equal(50, TranscriptContent.Lines(Lines).Count);
    }

    /// <summary>
    /// A block is packed into a buffer of half its size first; lines that do not shrink that far (random bytes, each line a base64
    /// string of them) are packed again into one of the most Brotli may write. Either way the framework's own Brotli reads the lines back.
    /// </summary>
    [Theory]
    [InlineData(false, 1 << 20)]
    [InlineData(true, 1 << 20)]
    [InlineData(true, 300)]
    [InlineData(true, 5_000)]
    public void When_lines_are_packed_in_a_pooled_buffer_Should_unpack_to_the_same_bytes_whether_they_shrink_or_not(bool random, int size)
    {
        var noise = new Random(size);
        var lines = new StringBuilder();
        while (lines.Length < size)
            lines.Append(random
                ? "\"" + Convert.ToBase64String(Enumerable.Range(0, 90).Select(_ => (byte)noise.Next(256)).ToArray()) + "\"\n"
                : "{\"type\":\"assistant\",\"message\":{\"content\":\"the same reply again\"}}\n");
        var bytes = Encoding.UTF8.GetBytes(lines.ToString());

        var (packed, encoding) = TranscriptContent.PackPooled(bytes, compress: true);
        using (packed)
        using (var unpack = new System.IO.Compression.BrotliStream(new MemoryStream(packed.Bytes.ToArray()), System.IO.Compression.CompressionMode.Decompress))
        using (var read = new MemoryStream())
        {
            unpack.CopyTo(read);
            Assert.Equal(TranscriptContent.Brotli, encoding);
            Assert.Equal(bytes, read.ToArray());
            Assert.True(random ? packed.Bytes.Length > bytes.Length / 2 : packed.Bytes.Length < bytes.Length / 10, $"{packed.Bytes.Length} bytes for {bytes.Length}");
        }
    }

    [Fact]
    public void When_a_block_was_stored_gzipped_before_Brotli_Should_still_unpack_to_its_lines() =>
        Assert.Equal(Lines, TranscriptContent.Unpack(Gzipped(Lines), TranscriptContent.Gzip));

    [Fact]
    public void When_a_block_unpacks_to_many_times_its_size_Should_give_every_line()
    {
        var lines = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"type\":\"progress\",\"data\":\"" + new string('a', 500) + "\"}\n", 20_000)));
        var (packed, encoding) = TranscriptContent.Pack(lines, compress: true);

        Assert.True(packed.Length * 100 < lines.Length, $"{packed.Length} bytes for {lines.Length}");
        Assert.Equal(lines, TranscriptContent.Unpack(packed, encoding));
    }

    [Fact]
    public void When_content_is_damaged_or_its_encoding_unknown_Should_say_so_instead_of_returning_wrong_lines()
    {
        var (packed, _) = TranscriptContent.Pack(Lines, compress: true);
        var gzipBlock = Gzipped(Lines);
        var longer = gzipBlock.ToArray();
        longer[^4]--; // the trailer claims one byte fewer than the stream holds

        Assert.Throws<InvalidDataException>(() => TranscriptContent.Unpack(packed[..^2], TranscriptContent.Brotli));
        Assert.Throws<InvalidDataException>(() => TranscriptContent.Unpack([.. packed, (byte)'x'], TranscriptContent.Brotli));
        Assert.Throws<InvalidDataException>(() => TranscriptContent.Unpack(Lines, TranscriptContent.Brotli));
        Assert.Throws<InvalidDataException>(() => TranscriptContent.Unpack(gzipBlock[..^8], TranscriptContent.Gzip));
        Assert.Throws<InvalidDataException>(() => TranscriptContent.Unpack(gzipBlock[..10], TranscriptContent.Gzip));
        Assert.Throws<InvalidDataException>(() => TranscriptContent.Unpack(longer, TranscriptContent.Gzip));
        Assert.Throws<InvalidDataException>(() => TranscriptContent.Unpack(packed, "zstd"));
    }

    [Fact]
    public void When_a_block_is_handed_over_in_the_process_Should_stay_readable_while_leased_after_its_sender_lets_go_and_not_after()
    {
        var (packed, encoding) = TranscriptContent.PackPooled(Lines, compress: true);
        var message = new TranscriptLinesCaptured(Guid.NewGuid(), "s-held", "t.jsonl", 0, Lines.Length, 50, [], encoding, DateTimeOffset.UtcNow, "h", "u");
        var (handed, hold) = InProcessContent.HandOver(message, packed, Lines);

        var lease = handed.PackedContent();
        hold.Dispose(); // the sender stops waiting while the receiver still reads

        // Unpacked here with the framework's Brotli, not ours: the leased bytes are the lines, compressed.
        using (var unpack = new System.IO.Compression.BrotliStream(new MemoryStream(lease.Bytes.ToArray()), System.IO.Compression.CompressionMode.Decompress))
        using (var read = new MemoryStream())
        {
            unpack.CopyTo(read);
            Assert.Equal(Lines, read.ToArray());
        }
        Assert.Equal((TranscriptContent.Brotli, 0), (encoding, handed.Content.Length));
        lease.Dispose();
        lease.Dispose(); // once is enough; again does nothing
        var gone = Assert.Throws<InvalidDataException>(() => handed.PackedContent());
        Assert.Contains("no longer held", gone.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A quiet host lets go of the buffers the pool keeps: the garbage collector (the witness) then takes back a buffer that was
    /// returned before, and one still rented then is returned after it as any other. A size no other test rents.
    /// </summary>
    [Fact]
    public void When_the_pool_lets_go_of_its_buffers_Should_keep_none_from_the_collector_and_take_one_rented_before_as_any_other()
    {
        const int Size = 48 << 20;
        var rentedBefore = Rent(Size);
        var kept = RentAndReturn(Size);

        TranscriptContent.LetGoOfBuffers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);

        Assert.False(kept.IsAlive, "a buffer returned before the pool let go is still kept");
        Assert.Null(Record.Exception(() => TranscriptContent.Buffers.Return(rentedBefore)));
    }

    // Each pool is reached in a method of its own: a test built for debugging keeps what its own frame held until it returns.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static byte[] Rent(int size) => TranscriptContent.Buffers.Rent(size);

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static WeakReference RentAndReturn(int size)
    {
        var buffer = TranscriptContent.Buffers.Rent(size);
        TranscriptContent.Buffers.Return(buffer);
        return new WeakReference(buffer);
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

    /// <summary>Packed here with the framework's gzip at its fastest, as blocks, hooks and context items were stored before Brotli.</summary>
    private static byte[] Gzipped(byte[] lines)
    {
        using var gzipped = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(gzipped, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(lines);
        return gzipped.ToArray();
    }
}
