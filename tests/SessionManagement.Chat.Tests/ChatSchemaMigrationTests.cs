using Microsoft.Extensions.Logging.Abstractions;
using SessionManagement.Chat.Messages;
using SessionManagement.Chat.Storage;
using SessionManagement.Hosting.Options;
using SessionManagement.Hosting.Storage;
using SessionManagement.Hosting.Storage.Sqlite;
using SessionManagement.Testing;
using SessionManagement.Hosting.Security;
using static SessionManagement.Testing.TranscriptLines;

namespace SessionManagement.Chat.Tests;

public sealed class ChatSchemaMigrationTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static SqliteDatabase Open(TempDirectory directory, params SqliteMigration[] migrations) =>
        new(Microsoft.Extensions.Options.Options.Create(new StorageOptions { DataDirectory = directory.Path }), migrations, NullLogger<SqliteDatabase>.Instance);

    [Fact]
    public async Task When_a_v1_store_is_opened_by_this_version_Should_keep_its_history_readable_searchable_and_deletable()
    {
        using var directory = new TempDirectory();
        var (old, word) = ("s-" + Guid.NewGuid().ToString("N")[..10], "walrus" + Guid.NewGuid().ToString("N")[..6]);
        var line = User(old, "u1", null, 1, "an old prompt about the " + word + " " + new string('z', 400));
        await using (var v1 = Open(directory, ChatSqliteSchema.V1))
        {
            await v1.WriteAsync(async (connection, transaction) =>
            {
                // A row as version 1 wrote it: its own gzip raw line, indexed for search by the insert trigger.
                var (raw, encoding) = CompressedText.Encode(line, compress: true, AtRest.Off, "chat_messages.raw");
                await using var insert = connection.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = """
                    INSERT INTO chat_messages (session_id, message_key, kind, record_type, role, uuid, timestamp, sequence, text, sources, raw, raw_encoding)
                    VALUES ($session, 'u:u1', 'Message', 'user', 'user', 'u1', $time, 0, $text, 2, $raw, $encoding);
                    INSERT INTO chat_sessions (session_id, message_count, conversation_count, invalid_lines) VALUES ($session, 1, 1, 0);
                    """;
                insert.Bind("$session", old).Bind("$time", SqliteValues.Time(Start.AddSeconds(1))).Bind("$text", "an old prompt about the " + word)
                    .Bind("$raw", raw).Bind("$encoding", encoding);
                return await insert.ExecuteNonQueryAsync(Cancel);
            }, Cancel);
        }

        await using var current = Open(directory, [.. ChatSqliteSchema.All]);
        var store = new SqliteChatStore(current, Microsoft.Extensions.Options.Options.Create(new ChatManagementOptions()), AtRest.Off);
        var fresh = "s-" + Guid.NewGuid().ToString("N")[..10];
        await store.AppendAsync(TranscriptRecordReader.Read(fresh, 0, [User(fresh, "n1", null, 2, "a new prompt about the " + word)], Start).ToList(), 100, Cancel);

        Assert.Equal(line, Assert.Single((await store.PageAsync(old, 0, 10, true, true, Cancel)).Messages).Raw);
        var again = Assert.Single(await store.AppendAsync(TranscriptRecordReader.Read(old, 0, [line], Start).ToList(), 100, Cancel));
        Assert.Equal((0, 1L), (again.Added, again.MessageCount)); // the old row is still the line's: its time came from the line
        var both = (await store.SearchAsync(new MessageSearch([word], null, null, null, null, null, 10), Cancel)).Select(h => h.SessionId);
        Assert.Equal(new[] { old, fresh }.Order(StringComparer.Ordinal), both.Order(StringComparer.Ordinal));
        await store.DeleteSessionAsync(old, Cancel); // its index entry goes with it
        Assert.Equal([fresh], (await store.SearchAsync(new MessageSearch([word], null, null, null, null, null, 10), Cancel)).Select(h => h.SessionId));
    }

    [Fact]
    public async Task When_a_v10_store_is_opened_by_this_version_Should_say_its_sessions_lines_predate_their_branches_and_new_ones_do_not()
    {
        using var directory = new TempDirectory();
        var (old, fresh) = ("s-" + Guid.NewGuid().ToString("N")[..10], "s-" + Guid.NewGuid().ToString("N")[..10]);
        await using (var v10 = Open(directory, [.. ChatSqliteSchema.All.Where(m => m.Version <= 10)]))
        {
            await v10.WriteAsync(async (connection, transaction) =>
            {
                await using var insert = connection.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = "INSERT INTO chat_sessions (session_id, message_count, conversation_count, invalid_lines) VALUES ($session, 1, 1, 0)";
                insert.Bind("$session", old);
                return await insert.ExecuteNonQueryAsync(Cancel);
            }, Cancel);
        }

        await using var current = Open(directory, [.. ChatSqliteSchema.All]);
        var store = new SqliteChatStore(current, Microsoft.Extensions.Options.Options.Create(new ChatManagementOptions()), AtRest.Off);
        await store.AppendAsync(TranscriptRecordReader.Read(fresh, 0, [User(fresh, "n1", null, 2, "a new prompt")], Start).ToList(), 100, Cancel);

        Assert.True(await store.LinesPredateBranchesAsync(old, Cancel));
        Assert.False(await store.LinesPredateBranchesAsync(fresh, Cancel));
        Assert.Equal("main", (await store.SummarizeAsync(fresh, Cancel))!.GitBranch);
    }

    [Fact]
    public async Task When_a_v11_store_holds_a_files_sha256_digest_Should_go_on_counting_its_new_lines_by_sha256_and_new_files_by_xxh128()
    {
        using var directory = new TempDirectory();
        var (old, fresh) = ("s-" + Guid.NewGuid().ToString("N")[..10], "s-" + Guid.NewGuid().ToString("N")[..10]);
        var (first, second) = (User(old, "u1", null, 1, "the first prompt"), AssistantText(old, "a1", "u1", 2, "A reply."));
        var secondOffset = System.Text.Encoding.UTF8.GetByteCount(first) + 1L;
        // As documented for digests kept before: the first 16 bytes of SHA-256 over the offset (8 bytes, little-endian) and the line.
        static UInt128 Sha(long offset, string line) => System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(
            System.Security.Cryptography.SHA256.HashData([.. BitConverter.GetBytes(offset), .. System.Text.Encoding.UTF8.GetBytes(line)]));
        await using (var v11 = Open(directory, [.. ChatSqliteSchema.All.Where(m => m.Version <= 11)]))
        {
            await v11.WriteAsync(async (connection, transaction) =>
            {
                // The file's first line as version 11 kept it, and its digest then.
                var (raw, encoding) = CompressedText.Encode(first, compress: true, AtRest.Off, "chat_messages.raw");
                var digest = Sha(0, first);
                await using var insert = connection.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = """
                    INSERT INTO chat_messages (session_id, message_key, kind, record_type, role, uuid, timestamp, sequence, text, sources, raw, raw_encoding, line_time)
                    VALUES ($session, 'u:u1', 'Message', 'user', 'user', 'u1', $time, 0, 'the first prompt', 2, $raw, $encoding, $ticks);
                    INSERT INTO chat_sessions (session_id, message_count, conversation_count, invalid_lines) VALUES ($session, 1, 1, 0);
                    INSERT INTO chat_files (session_id, file, lines, digest_high, digest_low) VALUES ($session, '', 1, $high, $low);
                    """;
                insert.Bind("$session", old).Bind("$time", SqliteValues.Time(Start.AddSeconds(1))).Bind("$raw", raw).Bind("$encoding", encoding)
                    .Bind("$ticks", Start.AddSeconds(1).UtcTicks).Bind("$high", unchecked((long)(ulong)(digest >> 64))).Bind("$low", unchecked((long)(ulong)digest));
                return await insert.ExecuteNonQueryAsync(Cancel);
            }, Cancel);
        }

        await using var current = Open(directory, [.. ChatSqliteSchema.All]);
        var store = new SqliteChatStore(current, Microsoft.Extensions.Options.Options.Create(new ChatManagementOptions()), AtRest.Off);
        await store.AppendAsync(TranscriptRecordReader.Read(old, secondOffset, [second], Start).ToList(), 100, Cancel);
        await store.AppendAsync(TranscriptRecordReader.Read(fresh, 0, [User(fresh, "n1", null, 2, "a new prompt")], Start).ToList(), 100, Cancel);

        var held = Assert.Single(await store.TranscriptFilesAsync(old, Cancel));
        Assert.Equal((2L, Sha(0, first) ^ Sha(secondOffset, second), "sha256"), (held.Lines, held.Digest, held.DigestAlgorithm));
        var added = Assert.Single(await store.TranscriptFilesAsync(fresh, Cancel));
        Assert.Equal((System.IO.Hashing.XxHash128.HashToUInt128([.. BitConverter.GetBytes(0L), .. System.Text.Encoding.UTF8.GetBytes(User(fresh, "n1", null, 2, "a new prompt"))]), "xxh128"),
            (added.Digest, added.DigestAlgorithm));
    }
}
