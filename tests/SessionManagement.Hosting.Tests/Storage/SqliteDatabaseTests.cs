using Microsoft.Data.Sqlite;
using SessionManagement.Hosting.Storage.Sqlite;
using SessionManagement.Testing;

namespace SessionManagement.Hosting.Tests.Storage;

public sealed class SqliteDatabaseTests
{
    private static readonly SqliteMigration CreateNotes = new("notes", 1, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);");
    private static readonly SqliteMigration AddAuthor = new("notes", 2, "ALTER TABLE notes ADD COLUMN author TEXT NOT NULL DEFAULT 'unknown';");

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static Task<T> Scalar<T>(SqliteDatabase database, string sql) =>
        database.ReadAsync(async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            return (T)(await command.ExecuteScalarAsync(Cancel))!;
        }, Cancel);

    private static Task<int> InsertNote(SqliteDatabase database, string body) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "INSERT INTO notes (body) VALUES ($body)";
            command.Parameters.AddWithValue("$body", body);
            return await command.ExecuteNonQueryAsync(Cancel);
        }, Cancel);

    [Fact]
    public async Task When_opened_Should_use_the_write_ahead_log()
    {
        using var directory = new TempDirectory();
        await using var database = SqliteTestDatabase.Open(directory, CreateNotes);

        Assert.Equal("wal", await Scalar<string>(database, "PRAGMA journal_mode"));
    }

    [Fact]
    public async Task When_a_store_is_made_Should_take_8_KB_pages_and_a_store_made_before_should_keep_its_own_and_its_rows()
    {
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, "session-management.db");
        // The page size a file was made with, as SQLite's file format writes it: 2 bytes, big-endian, at offset 16 of its header.
        int PageSize() => System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(File.ReadAllBytes(path).AsSpan(16, 2));

        await using (var made = SqliteTestDatabase.Open(directory, CreateNotes))
            await InsertNote(made, "a note");
        Assert.Equal(8192, PageSize());

        File.Delete(path);
        // A store as versions before this one made it: 4 KB pages, its migration applied, a note in it.
        await using (var before = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await before.OpenAsync(Cancel);
            await using var command = before.CreateCommand();
            command.CommandText = """
                PRAGMA page_size = 4096;
                PRAGMA journal_mode = WAL;
                CREATE TABLE schema_migrations (module TEXT NOT NULL, version INTEGER NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (module, version));
                INSERT INTO schema_migrations VALUES ('notes', 1, '2026-12-01T00:00:00Z');
                CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
                INSERT INTO notes (body) VALUES ('kept from before');
                PRAGMA wal_checkpoint(TRUNCATE);
                """;
            await command.ExecuteNonQueryAsync(Cancel);
        }
        await using (var reopened = SqliteTestDatabase.Open(directory, CreateNotes, AddAuthor))
        {
            await InsertNote(reopened, "a new note");
            Assert.Equal("kept from before|unknown, a new note|unknown",
                await Scalar<string>(reopened, "SELECT group_concat(body || '|' || author, ', ') FROM (SELECT * FROM notes ORDER BY id)"));
        }
        Assert.Equal(4096, PageSize());
    }

    [Fact]
    public async Task When_checkpointed_beside_the_writer_Should_copy_every_committed_page_while_a_reader_reads_and_writes_go_on()
    {
        using var directory = new TempDirectory();
        await using var database = SqliteTestDatabase.Open(directory, CreateNotes);
        for (var i = 0; i < 50; i++)
            await InsertNote(database, new string('n', 4_000));

        var (frames, checkpointed) = await database.CheckpointAsync(Cancel);
        var during = database.ReadAsync(async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM notes";
            var count = (long)(await command.ExecuteScalarAsync(Cancel))!;
            await InsertNote(database, "written while a reader holds its snapshot");
            await database.CheckpointAsync(Cancel); // stops at the reader's snapshot instead of waiting for it
            return count;
        }, Cancel);

        Assert.True(frames > 50, $"{frames} frames in the WAL");
        Assert.Equal(frames, checkpointed);
        Assert.Equal(50L, await during);
        Assert.Equal(51L, await Scalar<long>(database, "SELECT count(*) FROM notes"));
    }

    [Fact]
    public async Task When_reopened_with_a_new_migration_Should_apply_only_the_new_one_and_keep_the_data()
    {
        using var directory = new TempDirectory();
        await using (var first = SqliteTestDatabase.Open(directory, CreateNotes))
            await InsertNote(first, "kept across the upgrade");

        await using var second = SqliteTestDatabase.Open(directory, AddAuthor, CreateNotes);

        Assert.Equal(2L, await Scalar<long>(second, "SELECT count(*) FROM schema_migrations WHERE module = 'notes'"));
        Assert.Equal("unknown", await Scalar<string>(second, "SELECT author FROM notes WHERE body = 'kept across the upgrade'"));
    }

    [Fact]
    public async Task When_a_migration_fails_Should_name_it_and_apply_nothing_of_it()
    {
        using var directory = new TempDirectory();
        var broken = new SqliteMigration("notes", 2, "ALTER TABLE notes ADD COLUMN x TEXT; THIS IS NOT SQL;");
        await using var database = SqliteTestDatabase.Open(directory, CreateNotes, broken);

        var error = await Assert.ThrowsAsync<SessionManagement.Hosting.Storage.StoreStartupException>(database.InitializeAsync);

        Assert.Contains("notes v2", error.Message, StringComparison.Ordinal);
        Assert.Equal(SessionManagement.Hosting.Storage.StoreStartupException.Damaged, error.ExitCode);
        await using var check = new SqliteConnection($"Data Source={database.Path}");
        await check.OpenAsync(Cancel);
        await using var command = check.CreateCommand();
        command.CommandText = "SELECT count(*) FROM pragma_table_info('notes') WHERE name = 'x'";
        Assert.Equal(0L, (long)(await command.ExecuteScalarAsync(Cancel))!);
    }

    [Fact]
    public async Task When_many_writers_race_Should_keep_every_write()
    {
        using var directory = new TempDirectory();
        await using var database = SqliteTestDatabase.Open(directory, CreateNotes);

        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() => InsertNote(database, $"note {i}"), Cancel)));

        Assert.Equal(200L, await Scalar<long>(database, "SELECT count(*) FROM notes"));
    }

    [Fact]
    public async Task When_a_write_throws_Should_roll_it_back()
    {
        using var directory = new TempDirectory();
        await using var database = SqliteTestDatabase.Open(directory, CreateNotes);

        await Assert.ThrowsAsync<InvalidOperationException>(() => database.WriteAsync<int>(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "INSERT INTO notes (body) VALUES ('half done')";
            await command.ExecuteNonQueryAsync(Cancel);
            throw new InvalidOperationException("the rest of the write failed");
        }, Cancel));

        Assert.Equal(0L, await Scalar<long>(database, "SELECT count(*) FROM notes"));
        Assert.Equal(1, await InsertNote(database, "the writer is free again"));
    }

    [Fact]
    public async Task When_writes_keep_a_statement_Should_compile_it_once_and_run_it_in_every_later_write_with_its_own_values()
    {
        using var directory = new TempDirectory();
        await using var database = SqliteTestDatabase.Open(directory, CreateNotes);
        const int StatementRuns = 6; // SQLITE_STMTSTATUS_RUN (sqlite3.h): how many times a statement has run
        const string insert = "INSERT INTO notes (body) VALUES ($body)", rawInsert = "INSERT INTO notes (body) VALUES (?1)";

        // SQLitePCL finds a connection's statements for sqlite3_next_stmt only once asked to keep track of them.
        await database.WriteAsync((connection, _) =>
        {
            connection.Handle!.enable_sqlite3_next_stmt(true);
            return Task.FromResult(0);
        }, Cancel);
        for (var i = 0; i < 30; i++)
            await database.WriteAsync(async (_, transaction) =>
            {
                await database.Kept(transaction, insert, "$body").With($"note {i}").ExecuteNonQueryAsync(Cancel);
                return database.KeptRaw(transaction, rawInsert).Execute($"raw note {i}");
            }, Cancel);

        // SQLite's own account of the writer connection's statements: each one compiled once and run by every write.
        var runs = await database.WriteAsync((connection, _) =>
        {
            var counted = new List<(string Sql, int Runs)>();
            for (var statement = SQLitePCL.raw.sqlite3_next_stmt(connection.Handle, null); statement is not null && !statement.IsInvalid;
                 statement = SQLitePCL.raw.sqlite3_next_stmt(connection.Handle, statement))
                counted.Add((SQLitePCL.raw.sqlite3_sql(statement).utf8_to_string(), SQLitePCL.raw.sqlite3_stmt_status(statement, StatementRuns, 0)));
            return Task.FromResult(counted);
        }, Cancel);
        Assert.Equal([(insert, 30)], runs.Where(r => r.Sql == insert));
        Assert.Equal([(rawInsert, 30)], runs.Where(r => r.Sql == rawInsert));
        // The values each write bound, read on a connection of the test's own.
        await using var reader = new SqliteConnection($"Data Source={database.Path};Mode=ReadOnly;Pooling=False");
        await reader.OpenAsync(Cancel);
        await using var bodies = reader.CreateCommand();
        bodies.CommandText = "SELECT body FROM notes ORDER BY id";
        var read = new List<string>();
        await using (var rows = await bodies.ExecuteReaderAsync(Cancel))
            while (await rows.ReadAsync(Cancel))
                read.Add(rows.GetString(0));
        Assert.Equal(Enumerable.Range(0, 30).SelectMany(i => new[] { $"note {i}", $"raw note {i}" }), read);
    }

    [Fact]
    public async Task When_a_kept_statement_is_asked_for_outside_a_write_Should_refuse()
    {
        using var directory = new TempDirectory();
        await using var database = SqliteTestDatabase.Open(directory, CreateNotes);
        SqliteTransaction? ended = null;
        await database.WriteAsync((_, transaction) => Task.FromResult(ended = transaction), Cancel);

        Assert.Throws<InvalidOperationException>(() => database.Kept(ended!, "SELECT 1"));
        await using var other = new SqliteConnection($"Data Source={database.Path};Pooling=False");
        await other.OpenAsync(Cancel);
        await using var foreign = other.BeginTransaction(deferred: true);
        await database.WriteAsync((_, _) => Task.FromResult(Assert.Throws<InvalidOperationException>(() => database.KeptRaw(foreign, "SELECT 1"))), Cancel);
    }
}
