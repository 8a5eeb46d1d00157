using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using SessionManagement.Chat.Messages;
using SessionManagement.Chat.Storage;
using SessionManagement.Contracts.Gateway;
using SessionManagement.Hosting.Options;
using SessionManagement.Hosting.Storage.Sqlite;

namespace SessionManagement.Bench;

/// <summary>Where ingestion time goes, in one process without the bus: reading lines, reading records, storing them.</summary>
internal static class IngestStagesBenchmark
{
    public static async Task<int> RunAsync(long megabytes, string workDirectory)
    {
        Directory.CreateDirectory(workDirectory);
        var path = Path.Combine(workDirectory, "stages.jsonl");
        var sessionId = "bench-stages-" + Guid.NewGuid().ToString("N")[..8];
        var (bytes, _) = await TranscriptGenerator.WriteAsync(path, sessionId, megabytes * 1024 * 1024);
        var mb = bytes / 1048576.0;

        var clock = Stopwatch.StartNew();
        var batches = Batches(path).ToList();
        var read = clock.Elapsed;
        clock.Restart();
        var packed = batches.Select(b => TranscriptContent.Pack(b.Lines, compress: true)).ToList();
        var pack = clock.Elapsed;
        clock.Restart();
        var blocks = batches.Zip(packed, (b, p) => new TranscriptBlock(sessionId, b.Offset, b.Offset + b.Lines.Length,
            TranscriptContent.Unpack(p.Content, p.Encoding), p.Content, p.Encoding)).ToList(); // unpooled: all of them are kept for the next stages
        var unpack = clock.Elapsed;
        clock.Restart();
        var parsed = blocks.Select(b => TranscriptRecordReader.Read(b, DateTimeOffset.UtcNow).ToList()).ToList();
        var parse = clock.Elapsed;

        var data = Path.Combine(workDirectory, "stages-data");
        Directory.CreateDirectory(data);
        await using var database = new SqliteDatabase(Microsoft.Extensions.Options.Options.Create(new StorageOptions { DataDirectory = data }),
            ChatSqliteSchema.All, NullLogger<SqliteDatabase>.Instance);
        var store = new SqliteChatStore(database, Microsoft.Extensions.Options.Options.Create(new ChatManagementOptions()));
        clock.Restart();
        foreach (var messages in parsed)
            await store.AppendAsync(messages, 10_000_000, CancellationToken.None);
        var write = clock.Elapsed;

        // The parts of storing: the rows without the search index, and the index built afterwards in one pass (what indexing
        // after the write, instead of in it, would cost).
        var bare = Path.Combine(workDirectory, "stages-bare");
        Directory.CreateDirectory(bare);
        await using var unindexed = new SqliteDatabase(Microsoft.Extensions.Options.Options.Create(new StorageOptions { DataDirectory = bare }),
            ChatSqliteSchema.All, NullLogger<SqliteDatabase>.Instance);
        await ExecuteAsync(unindexed, "DROP TRIGGER chat_messages_fts_insert");
        var bareStore = new SqliteChatStore(unindexed, Microsoft.Extensions.Options.Options.Create(new ChatManagementOptions()));
        clock.Restart();
        foreach (var messages in parsed)
            await bareStore.AppendAsync(messages, 10_000_000, CancellationToken.None);
        var rows = clock.Elapsed;
        clock.Restart();
        await ExecuteAsync(unindexed, "INSERT INTO chat_messages_fts (chat_messages_fts) VALUES ('rebuild')");
        var index = clock.Elapsed;
        File.Delete(path);
        Directory.Delete(data, true);
        Directory.Delete(bare, true);

        foreach (var (stage, time) in new[]
        {
            ("read lines into 1 MB batches", read), ("gzip each batch (gateway)", pack), ("unpack each batch (chat)", unpack),
            ("read records", parse), ("store (SQLite, FTS5, one block per batch)", write),
            ("store without the FTS5 index", rows), ("FTS5 index built afterwards, one pass", index),
        })
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {stage} | {mb:F0} MB | {time.TotalSeconds:F2} s | {mb / time.TotalSeconds:F1} MB/s |"));
        return 0;
    }

    private static Task ExecuteAsync(SqliteDatabase database, string sql) => database.WriteAsync(async (connection, transaction) =>
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return await command.ExecuteNonQueryAsync();
    }, CancellationToken.None);

    /// <summary>The file cut where the gateway cuts it: after the line that reaches 1 MB or the 1,000th line.</summary>
    private static IEnumerable<(long Offset, byte[] Lines)> Batches(string path)
    {
        var bytes = File.ReadAllBytes(path);
        int start = 0, position = 0, lines = 0;
        while (position < bytes.Length)
        {
            var end = bytes.AsSpan(position).IndexOf((byte)'\n');
            position = end < 0 ? bytes.Length : position + end + 1;
            if (position - start >= 1 << 20 || ++lines >= 1_000 || position == bytes.Length)
            {
                yield return (start, bytes[start..position]);
                (start, lines) = (position, 0);
            }
        }
    }
}
