using System.Text;
using SessionManagement.Gateway.Transcripts;
using SessionManagement.Testing;

namespace SessionManagement.Gateway.Tests.Transcripts;

public sealed class TranscriptReaderTests
{
    private static async Task<List<TranscriptBatch>> ReadAsync(string path, long offset, int maxBytes = 1 << 20, int maxLines = 1000)
    {
        await using var file = File.OpenRead(path);
        var batches = new List<TranscriptBatch>();
        await foreach (var batch in TranscriptReader.ReadAsync(file, offset, maxBytes, maxLines, TestContext.Current.CancellationToken))
            batches.Add(batch with { Content = batch.Content.ToArray() }); // the reader reuses its buffer for the next batch
        return batches;
    }

    [Fact]
    public async Task When_the_last_line_is_still_being_written_Should_stop_before_it()
    {
        using var directory = new TempDirectory();
        var path = directory.File("t.jsonl");
        await File.WriteAllTextAsync(path, "{\"a\":1}\n{\"b\":\"é\"}\n{\"c\":", TestContext.Current.CancellationToken);

        var batch = Assert.Single(await ReadAsync(path, 0));

        Assert.Equal(["{\"a\":1}", "{\"b\":\"é\"}"], batch.Lines);
        Assert.Equal(0, batch.StartOffset);
        Assert.Equal(Encoding.UTF8.GetByteCount("{\"a\":1}\n{\"b\":\"é\"}\n"), batch.EndOffset);
    }

    [Fact]
    public async Task When_reading_from_an_offset_Should_return_only_what_follows_it()
    {
        using var directory = new TempDirectory();
        var path = directory.File("t.jsonl");
        await File.WriteAllTextAsync(path, "one\ntwo\nthree\n", TestContext.Current.CancellationToken);

        var batch = Assert.Single(await ReadAsync(path, 4));

        Assert.Equal(["two", "three"], batch.Lines);
        Assert.Equal(14, batch.EndOffset);
    }

    [Fact]
    public async Task When_there_is_more_than_a_batch_Should_split_on_lines_and_bytes_with_contiguous_offsets()
    {
        using var directory = new TempDirectory();
        var path = directory.File("t.jsonl");
        var lines = Enumerable.Range(0, 2_500).Select(i => $"{{\"n\":{i},\"pad\":\"{new string('x', i % 300)}\"}}").ToList();
        await File.WriteAllTextAsync(path, string.Join('\n', lines) + "\n", TestContext.Current.CancellationToken);

        var batches = await ReadAsync(path, 0, maxBytes: 64 * 1024, maxLines: 400);

        Assert.Equal(lines, batches.SelectMany(b => b.Lines));
        Assert.All(batches, b => Assert.True(b.Lines.Count <= 400));
        Assert.All(batches.Zip(batches.Skip(1)), pair => Assert.Equal(pair.First.EndOffset, pair.Second.StartOffset));
        Assert.Equal(new FileInfo(path).Length, batches[^1].EndOffset);
    }

    [Fact]
    public async Task When_a_line_is_larger_than_a_batch_Should_ship_it_whole_on_its_own()
    {
        using var directory = new TempDirectory();
        var path = directory.File("t.jsonl");
        var huge = "{\"big\":\"" + new string('y', 3 * 1024 * 1024) + "\"}";
        await File.WriteAllTextAsync(path, "small\n" + huge + "\nafter\n", TestContext.Current.CancellationToken);

        var batches = await ReadAsync(path, 0, maxBytes: 1024);

        Assert.Equal(["small", huge, "after"], batches.SelectMany(b => b.Lines));
        Assert.Equal(await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken), batches.SelectMany(b => b.Content.ToArray()));
        Assert.Equal([1, 1, 1], batches.Select(b => b.LineCount));
        Assert.Contains(batches, b => b.Lines is [var only] && only == huge);
    }
}
