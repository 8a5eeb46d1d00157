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

    [Fact]
    public async Task When_a_v12_store_holds_sealed_messages_tokens_Should_move_them_to_the_sealed_index_and_keep_them_found_and_deletable()
    {
        using var directory = new TempDirectory();
        var keys = TestKeys.Sealing();
        var (indexed, waiting) = ("s-" + Guid.NewGuid().ToString("N")[..10], "s-" + Guid.NewGuid().ToString("N")[..10]);
        var word = "walrus" + Guid.NewGuid().ToString("N")[..6];
        // Tokens as version 12 kept them: t and the first 6 bytes of each word's HMAC-SHA256 under the key derived for the index, in hexadecimal.
        var indexKey = System.Security.Cryptography.HKDF.DeriveKey(System.Security.Cryptography.HashAlgorithmName.SHA256, TestKeys.First, 32,
            info: "session-management search index"u8.ToArray());
        string Token(string w) => "t" + Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(indexKey, System.Text.Encoding.UTF8.GetBytes(w))[..6]);
        await using (var v12 = Open(directory, [.. ChatSqliteSchema.All.Where(m => m.Version <= 12)]))
        {
            await v12.WriteAsync(async (connection, transaction) =>
            {
                // Two sealed messages as version 12 wrote them, their tokens in the row: the first indexed (its tokens in the index of
                // words, as its indexer put them there), the second still waiting for the index.
                foreach (var (session, id) in new[] { (indexed, 1L), (waiting, 2L) })
                {
                    await using var insert = connection.CreateCommand();
                    insert.Transaction = transaction;
                    insert.CommandText = """
                        INSERT INTO chat_messages (id, session_id, message_key, kind, record_type, role, uuid, timestamp, sequence, text, sources, raw, raw_encoding, line_time, search_tokens)
                        VALUES ($id, $session, 'u:u1', 'Message', 'user', 'user', 'u1', $time, 0, $text, 2, x'', 'plain', $ticks, $tokens);
                        INSERT INTO chat_sessions (session_id, message_count, conversation_count, invalid_lines) VALUES ($session, 1, 1, 0);
                        """;
                    insert.Bind("$id", id).Bind("$session", session).Bind("$time", SqliteValues.Time(Start)).Bind("$ticks", Start.UtcTicks)
                        .Bind("$text", keys.SealText("the " + word, "chat_messages.text")).Bind("$tokens", Token("the") + " " + Token(word));
                    await insert.ExecuteNonQueryAsync(Cancel);
                }
                await using var index = connection.CreateCommand();
                index.Transaction = transaction;
                index.CommandText = """
                    INSERT INTO chat_messages_fts (rowid, text) SELECT v.id, v.text FROM chat_search_text v WHERE v.id = 1;
                    DELETE FROM chat_fts_pending WHERE id = 1;
                    """;
                return await index.ExecuteNonQueryAsync(Cancel);
            }, Cancel);
        }

        await using var current = Open(directory, [.. ChatSqliteSchema.All]);
        var store = new SqliteChatStore(current, Microsoft.Extensions.Options.Options.Create(new ChatManagementOptions()), keys);
        MessageSearch Search() => new([word], null, null, null, null, null, 10);

        Assert.Equal(new[] { indexed, waiting }.Order(), (await store.SearchAsync(Search(), Cancel)).Select(h => h.SessionId).Order());
        Assert.Equal(0L, await CountAsync(current, $"SELECT count(*) FROM chat_messages_fts WHERE chat_messages_fts MATCH '\"{Token(word)}\"'"));
        Assert.Equal(2L, await CountAsync(current, $"SELECT count(*) FROM chat_messages_fts_sealed WHERE chat_messages_fts_sealed MATCH '\"{Token(word)}\"'"));
        Assert.Equal(0L, await CountAsync(current, "SELECT count(*) FROM chat_messages WHERE search_tokens IS NOT NULL OR sealed_search = 0"));
        await store.DeleteSessionAsync(indexed, Cancel);
        Assert.Equal([waiting], (await store.SearchAsync(Search(), Cancel)).Select(h => h.SessionId));
        // Each throws when its index is off.
        Assert.Equal(0L, await CountAsync(current, """
            INSERT INTO chat_messages_fts (chat_messages_fts) VALUES ('integrity-check');
            INSERT INTO chat_messages_fts_sealed (chat_messages_fts_sealed) VALUES ('integrity-check');
            SELECT count(*) FROM chat_messages_fts_sealed WHERE chat_messages_fts_sealed MATCH '"tnothere00000"'
            """));
    }

    private static Task<long> CountAsync(SqliteDatabase database, string sql) => database.WriteAsync(async (connection, transaction) =>
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync(Cancel))!;
    }, Cancel);
}
