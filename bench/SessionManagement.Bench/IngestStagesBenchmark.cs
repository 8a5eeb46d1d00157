using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using SessionManagement.Chat.Messages;
using SessionManagement.Chat.Storage;
using SessionManagement.Hosting.Options;
using SessionManagement.Hosting.Storage;
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
        var parsed = batches.Select(b => TranscriptRecordReader.Read(sessionId, b.Offset, b.Lines, DateTimeOffset.UtcNow).ToList()).ToList();
        var parse = clock.Elapsed;

        var data = Path.Combine(workDirectory, "stages-data");
        Directory.CreateDirectory(data);
        await using var database = new SqliteDatabase(Microsoft.Extensions.Options.Options.Create(new StorageOptions { DataDirectory = data }),
            [ChatSqliteSchema.V1], NullLogger<SqliteDatabase>.Instance);
        var store = new SqliteChatStore(database, Microsoft.Extensions.Options.Options.Create(new ChatManagementOptions()));
        clock.Restart();
        foreach (var messages in parsed)
            await store.AppendAsync(messages, 10_000_000, CancellationToken.None);
        var write = clock.Elapsed;

        // The parts of storing: the raw lines' compression alone, the rows without the search index, and the index built
        // afterwards in one pass (what indexing after the write, instead of in it, would cost).
        clock.Restart();
        foreach (var message in parsed.SelectMany(messages => messages))
            CompressedText.Encode(message.Raw, compress: true);
        var compress = clock.Elapsed;
        var bare = Path.Combine(workDirectory, "stages-bare");
        Directory.CreateDirectory(bare);
        await using var unindexed = new SqliteDatabase(Microsoft.Extensions.Options.Options.Create(new StorageOptions { DataDirectory = bare }),
            [ChatSqliteSchema.V1], NullLogger<SqliteDatabase>.Instance);
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
            ("read lines", read), ("read records", parse), ("store (SQLite, FTS5, gzip)", write), ("of which: gzip of each raw line", compress),
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

    private static IEnumerable<(long Offset, List<string> Lines)> Batches(string path)
    {
        long offset = 0, start = 0, size = 0;
        var lines = new List<string>();
        foreach (var line in File.ReadLines(path))
        {
            lines.Add(line);
            var length = System.Text.Encoding.UTF8.GetByteCount(line) + 1;
            offset += length;
            size += length;
            if (size >= 1 << 20 || lines.Count >= 1_000)
            {
                yield return (start, lines);
                (lines, start, size) = ([], offset, 0);
            }
        }
        if (lines.Count > 0)
            yield return (start, lines);
    }
}
