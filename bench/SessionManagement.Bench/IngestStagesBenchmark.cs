using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using SessionManagement.Bridge.Privacy;
using SessionManagement.Chat.Messages;
using SessionManagement.Chat.Storage;
using SessionManagement.Contracts.Gateway;
using SessionManagement.Hosting.Options;
using SessionManagement.Hosting.Storage.Sqlite;

namespace SessionManagement.Bench;

/// <summary>Where ingestion time goes, in one process without the bus: reading lines, reading records, storing them, indexing them for search.</summary>
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
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        // Each stage's time and the bytes the process allocated in it (every thread's: the store's writes continue on others).
        void Start()
        {
            allocated = GC.GetTotalAllocatedBytes(precise: true);
            clock.Restart();
        }
        (TimeSpan Time, long Bytes) Lap() => (clock.Elapsed, GC.GetTotalAllocatedBytes(precise: true) - allocated);
        var batches = Batches(path).ToList();
        var read = Lap();
        var redactor = new SecretRedactor(detectSecrets: true, patterns: []);
        Start();
        var redactedBatches = batches.Count(b => !redactor.RedactLines(b.Lines).Equals(new ReadOnlyMemory<byte>(b.Lines)));
        var redactCold = Lap();
        Start();
        batches.ForEach(b => redactor.RedactLines(b.Lines));
        var redact = Lap();
        Start();
        var packed = batches.Select(b => TranscriptContent.Pack(b.Lines, compress: true)).ToList();
        var pack = Lap();
        Start();
        var blocks = batches.Zip(packed, (b, p) => new TranscriptBlock(sessionId, b.Offset, b.Offset + b.Lines.Length,
            TranscriptContent.Unpack(p.Content, p.Encoding), p.Content, p.Encoding)).ToList(); // unpooled: all of them are kept for the next stages
        var unpack = Lap();
        Start();
        foreach (var block in blocks)
        {
            var lines = block.Lines;
            for (var start = 0; start < lines.Length;)
            {
                var length = lines.Span[start..].IndexOf((byte)'\n');
                length = length < 0 ? lines.Length - start : length;
                using var _ = JsonLine.Read(lines.Slice(start, length), out var _); // null for a cut-off line: chat keeps it as unreadable
                start += length + 1;
            }
        }
        var json = Lap();
        Start();
        var parsed = blocks.Select(b => TranscriptRecordReader.Read(b, DateTimeOffset.UtcNow).ToList()).ToList();
        var parse = Lap();

        var data = Path.Combine(workDirectory, "stages-data");
        Directory.CreateDirectory(data);
        await using var database = new SqliteDatabase(Microsoft.Extensions.Options.Options.Create(new StorageOptions { DataDirectory = data }),
            ChatSqliteSchema.All, NullLogger<SqliteDatabase>.Instance);
        var store = new SqliteChatStore(database, Microsoft.Extensions.Options.Options.Create(new ChatManagementOptions()), SessionManagement.Hosting.Security.AtRest.Off);
        Start();
        foreach (var messages in parsed)
            await store.AppendAsync(messages, 10_000_000, CancellationToken.None);
        var write = Lap();

        Start();
        await store.IndexPendingAsync(int.MaxValue, CancellationToken.None); // what the indexer does behind the writes
        var index = Lap();

        // The same with encryption at rest on: each message's text, tool calls and block sealed; indexed, its words' tokens.
        var keys = SessionManagement.Hosting.Security.AtRest.With([("bench", System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))]);
        Start();
        foreach (var message in parsed.SelectMany(m => m))
            SessionManagement.Hosting.Storage.RentedBytes.Return(keys.TextColumn(message.Text, "chat_messages.text")); // as the store writes it
        var sealTexts = Lap();
        var utf8Texts = parsed.SelectMany(m => m).Select(m => System.Text.Encoding.UTF8.GetBytes(m.Text)).ToList(); // as the store reads them
        Start();
        foreach (var text in utf8Texts)
            keys.SearchTokensOfKept(text, "chat_messages.text", [], "chat_messages.tool_text")!.Dispose();
        var tokenTexts = Lap();
        var sealedData = Path.Combine(workDirectory, "stages-data-sealed");
        Directory.CreateDirectory(sealedData);
        await using var sealedDatabase = new SqliteDatabase(Microsoft.Extensions.Options.Options.Create(new StorageOptions { DataDirectory = sealedData }),
            ChatSqliteSchema.All, NullLogger<SqliteDatabase>.Instance);
        var sealedStore = new SqliteChatStore(sealedDatabase, Microsoft.Extensions.Options.Options.Create(new ChatManagementOptions()),
            keys);
        Start();
        foreach (var messages in parsed)
            await sealedStore.AppendAsync(messages, 10_000_000, CancellationToken.None);
        var sealedWrite = Lap();
        Start();
        await sealedStore.IndexPendingAsync(int.MaxValue, CancellationToken.None);
        var sealedIndex = Lap();
        File.Delete(path);
        Directory.Delete(data, true);
        Directory.Delete(sealedData, true);

        foreach (var (stage, time) in new[]
        {
            ("read lines into 1 MB batches", read), ($"redact secrets (gateway; {redactedBatches} of {batches.Count} batches held one), the process's first pass", redactCold),
            ("redact secrets again, compiled by then (a gateway that has been running)", redact), ("compress each batch (gateway, Brotli)", pack), ("unpack each batch (chat)", unpack),
            ("parse each line's JSON alone (part of reading records)", json), ("read records", parse), ("store (SQLite: rows, one block per batch, messages queued for search)", write),
            ("search index of those messages (the indexer, behind the writes)", index),
            ("seal each message's text (of the store below, alone)", sealTexts), ("tokens of each message's words (of the sealed search index below, alone)", tokenTexts),
            ("store, encryption at rest on (sealed text, tool calls and blocks)", sealedWrite),
            ("search index of those messages' word tokens (their text opened, its words' tokens)", sealedIndex),
        })
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {stage} | {mb:F0} MB | {time.Time.TotalSeconds:F2} s | {mb / time.Time.TotalSeconds:F1} MB/s | {time.Bytes / 1048576.0:F0} MB allocated |"));
        return 0;
    }

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
