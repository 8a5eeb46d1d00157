using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using SessionManagement.Chat.Messages;
using SessionManagement.Chat.Storage;
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
        clock.Restart();
        long zipped = 0;
        foreach (var messages in parsed)
            foreach (var m in messages)
                zipped += SessionManagement.Hosting.Storage.CompressedText.Encode(m.Raw, true).Bytes.Length;
        var gzip = clock.Elapsed;
        Console.WriteLine($"gzip {gzip.TotalSeconds:F2}s -> {zipped/1048576.0:F0} MB; text chars {parsed.Sum(p => p.Sum(m => (long)m.Text.Length))/1048576.0:F0} M");
        var data2 = Path.Combine(workDirectory, "stages-data2");
        Directory.CreateDirectory(data2);
        await using var database2 = new SqliteDatabase(Microsoft.Extensions.Options.Options.Create(new StorageOptions { DataDirectory = data2 }),
            [ChatSqliteSchema.V1], NullLogger<SqliteDatabase>.Instance);
        await database2.WriteAsync(async (c, t) => { var cmd = c.CreateCommand(); cmd.Transaction = t; cmd.CommandText = "DROP TRIGGER chat_messages_fts_insert"; await cmd.ExecuteNonQueryAsync(); return 0; }, CancellationToken.None);
        var store2 = new SqliteChatStore(database2, Microsoft.Extensions.Options.Options.Create(new ChatManagementOptions()));
        clock.Restart();
        foreach (var messages in parsed)
            await store2.AppendAsync(messages, 10_000_000, CancellationToken.None);
        Console.WriteLine($"store without fts {clock.Elapsed.TotalSeconds:F2}s");
        clock.Restart();
        await database2.WriteAsync(async (c, t) => { var cmd = c.CreateCommand(); cmd.Transaction = t; cmd.CommandText = "INSERT INTO chat_messages_fts(chat_messages_fts) VALUES('rebuild')"; await cmd.ExecuteNonQueryAsync(); return 0; }, CancellationToken.None);
        Console.WriteLine($"fts rebuild {clock.Elapsed.TotalSeconds:F2}s");
        File.Delete(path);
        Directory.Delete(data, true);

        foreach (var (stage, time) in new[] { ("read lines", read), ("read records", parse), ("store (SQLite, FTS5, gzip)", write) })
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {stage} | {mb:F0} MB | {time.TotalSeconds:F2} s | {mb / time.TotalSeconds:F1} MB/s |"));
        return 0;
    }

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
