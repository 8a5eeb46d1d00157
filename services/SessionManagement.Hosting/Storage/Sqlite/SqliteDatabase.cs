using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionManagement.Hosting.Options;

namespace SessionManagement.Hosting.Storage.Sqlite;

/// <summary>
/// The embedded store's one file: WAL journal, a single writer connection behind a lock (SQLite
/// allows one writer at a time anyway) and pooled read connections that WAL lets run beside it.
/// </summary>
public sealed class SqliteDatabase : IAsyncDisposable
{
    private const int Busy = 5, Locked = 6, ReadOnly = 8, IoError = 10, Corrupt = 11, Full = 13, CantOpen = 14, NotADatabase = 26;

    private readonly string _connectionString;
    private readonly string _readConnectionString;
    private readonly IReadOnlyList<SqliteMigration> _migrations;
    private readonly ILogger<SqliteDatabase> _logger;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly SemaphoreSlim _checkpointLock = new(1, 1);
    private readonly Lazy<Task<SqliteConnection>> _writer;
    private SqliteConnection? _checkpointer;

    // The writer's statements kept prepared from one write to the next (Kept, KeptRaw), by their SQL; used only under _writeLock.
    private readonly Dictionary<string, SqliteCommand> _kept = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SqliteRawStatement> _keptRaw = new(StringComparer.Ordinal);

    public SqliteDatabase(IOptions<StorageOptions> options, IEnumerable<SqliteMigration> migrations, ILogger<SqliteDatabase> logger)
    {
        Path = options.Value.SqlitePath;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString();
        _readConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        _migrations = [.. migrations];
        _logger = logger;
        _writer = new Lazy<Task<SqliteConnection>>(OpenWriterAsync);
    }

    public string Path { get; }

    /// <summary>Why the last write failed (a full disk, a read-only or locked file), or null when the last write succeeded.</summary>
    public string? WriteFailure { get; private set; }

    /// <summary>Opens the file, switches it to WAL and applies pending migrations; later calls return at once.</summary>
    public Task InitializeAsync() => _writer.Value;

    /// <summary>Runs <paramref name="work"/> in one transaction on the writer connection, one writer at a time.</summary>
    public async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        var connection = await _writer.Value.ConfigureAwait(false);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var result = await work(connection, transaction).ConfigureAwait(false);
            await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
            WriteFailure = null;
            return result;
        }
        catch (SqliteException error) when (error.SqliteErrorCode is Full or ReadOnly or IoError or Busy or Locked or CantOpen or Corrupt or NotADatabase)
        {
            WriteFailure = error.Message;
            throw;
        }
        finally
        {
            foreach (var statement in _keptRaw.Values)
                statement.ReleaseValues();
            _writeLock.Release();
        }
    }

    /// <summary>
    /// <see cref="WriteAsync{T}"/> with what the work replaces or deletes overwritten in the file (SQLite's <c>secure_delete</c>), not
    /// left in free pages: for content sealed again at rest, or deleted for good, whose bytes must not stay behind. Costlier, so only
    /// there. <paramref name="forgetOldPages"/>: the WAL is then copied into the file and emptied (a truncating checkpoint), so the
    /// pages as they were before do not stay in it either.
    /// </summary>
    public async Task<T> OverwritingWriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken,
        bool forgetOldPages = false)
    {
        var result = await Overwriting(work, cancellationToken).ConfigureAwait(false);
        if (forgetOldPages)
            await TruncateWalAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>
    /// Copies the WAL into the file and empties it, once no reader holds an older snapshot (waiting as the busy timeout allows); whether
    /// it was emptied.
    /// </summary>
    private async Task<bool> TruncateWalAsync(CancellationToken cancellationToken)
    {
        var connection = await _writer.Value.ConfigureAwait(false);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var emptied = await reader.ReadAsync(cancellationToken).ConfigureAwait(false) && reader.GetInt64(0) == 0;
            if (!emptied)
                _logger.LogWarning("The WAL of {Path} could not be emptied: a reader held it; the pages it holds stay until the WAL starts over", Path);
            return emptied;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// A command on the writer connection, compiled by the first write that runs <paramref name="sql"/> and kept for the writes after it,
    /// joined to <paramref name="transaction"/>: only within <see cref="WriteAsync"/>'s work, and never disposed by the caller. Its
    /// parameters are <paramref name="names"/>, in that order, their values left from its last run until set. Compiling a statement costs
    /// SQLite more than running it for a row (chat's insert of a line 17 µs against 7, its join of a line to a hook's message 40 against
    /// 7), and an import's 3,000 writes each compiled the same ten of chat's again.
    /// </summary>
    public SqliteCommand Kept(SqliteTransaction transaction, string sql, params string[] names)
    {
        var connection = WriterOf(transaction);
        if (!_kept.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var name in names)
                command.Parameters.Add(new SqliteParameter { ParameterName = name });
            _kept[sql] = command; // compiled by its first run, and kept compiled by the command from then on
        }
        command.Transaction = transaction;
        return command;
    }

    /// <summary><see cref="Kept"/> for a <see cref="SqliteRawStatement"/> (bound by position, for a statement run for every row).</summary>
    public SqliteRawStatement KeptRaw(SqliteTransaction transaction, string sql)
    {
        var connection = WriterOf(transaction);
        if (!_keptRaw.TryGetValue(sql, out var statement))
            _keptRaw[sql] = statement = new SqliteRawStatement(connection, sql);
        return statement;
    }

    /// <summary>
    /// The writer connection, when <paramref name="transaction"/> is the write in progress on it (only <see cref="WriteAsync"/> begins
    /// one there, under the lock; a transaction that ended has no connection).
    /// </summary>
    private SqliteConnection WriterOf(SqliteTransaction transaction)
    {
        if (!_writer.IsValueCreated || !_writer.Value.IsCompletedSuccessfully || transaction.Connection != _writer.Value.Result)
            throw new InvalidOperationException("statements are kept on the writer connection only, within a write");
        return transaction.Connection;
    }

    private Task<T> Overwriting<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            await ExecuteAsync(connection, transaction, "PRAGMA secure_delete = ON").ConfigureAwait(false);
            try
            {
                return await work(connection, transaction).ConfigureAwait(false);
            }
            finally
            {
                await ExecuteAsync(connection, transaction, "PRAGMA secure_delete = OFF").ConfigureAwait(false);
            }
        }, cancellationToken);

    /// <summary>Runs <paramref name="work"/> on a read-only connection, concurrently with the writer.</summary>
    public async Task<T> ReadAsync<T>(Func<SqliteConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        await _writer.Value.ConfigureAwait(false);
        await using var connection = new SqliteConnection(_readConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await work(connection).ConfigureAwait(false);
    }

    /// <summary>
    /// Copies what the WAL holds into the database file (a passive checkpoint) on a connection of its own: the writer goes on
    /// meanwhile, and the copying and its fsync leave the writer's path (<see cref="SqliteCheckpointer"/>). Returns the frames in the
    /// WAL and how many of them the database file now holds.
    /// </summary>
    public async Task<(long Frames, long Checkpointed)> CheckpointAsync(CancellationToken cancellationToken)
    {
        await _writer.Value.ConfigureAwait(false);
        await _checkpointLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_checkpointer is null)
            {
                var connection = new SqliteConnection(_connectionString);
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                _checkpointer = connection;
            }
            await using var command = _checkpointer.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? (reader.GetInt64(1), reader.GetInt64(2)) : (0, 0);
        }
        finally
        {
            _checkpointLock.Release();
        }
    }

    private async Task<SqliteConnection> OpenWriterAsync()
    {
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!;
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new StoreStartupException(StoreStartupException.NotWritable,
                $"the data folder {folder} cannot be created: {error.Message}. Free space or fix its permissions, or point SM_DATA_DIR elsewhere.", error);
        }
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync().ConfigureAwait(false);
            await RefuseForeignAsync(connection).ConfigureAwait(false);
            await PrepareAsync(connection).ConfigureAwait(false);
        }
        catch (Exception error)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw StartupFailure(error);
        }
        _logger.LogInformation("SQLite store ready at {Path}", Path);
        return connection;
    }

    /// <summary>What a failure to open the store means for a person, and what to do.</summary>
    private StoreStartupException StartupFailure(Exception error)
    {
        if (error is StoreStartupException known)
            return known;
        var sqlite = error as SqliteException ?? error.InnerException as SqliteException;
        var kept = $"mv '{Path}' '{Path}.damaged'";
        return sqlite?.SqliteErrorCode switch
        {
            Corrupt or NotADatabase => new StoreStartupException(StoreStartupException.Damaged,
                $"the store {Path} is damaged or is not a session-management database ({sqlite.Message}). Nothing was written to it. " +
                $"To keep it for inspection and start again with an empty store, restoring every session from its backups: {kept}; then start with --{StorageOptions.RestoreBackupsSwitch}=true", error),
            Full or ReadOnly or IoError or CantOpen or Busy or Locked => new StoreStartupException(StoreStartupException.NotWritable,
                $"the store {Path} cannot be opened for writing ({sqlite.Message}). Free space on its disk, make its folder writable, or stop the other process that holds it, then start again.", error),
            _ => new StoreStartupException(StoreStartupException.Damaged,
                $"the store {Path} could not be prepared ({error.Message}). Nothing was overwritten. To keep it for inspection and start again with an empty store, restoring every session from its backups: {kept}; then start with --{StorageOptions.RestoreBackupsSwitch}=true", error),
        };
    }

    /// <summary>A database that has tables but none of ours is another program's: it is never written to.</summary>
    private async Task RefuseForeignAsync(SqliteConnection connection)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT group_concat(name, ', ') FROM (SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' LIMIT 5) HAVING count(*) > 0 AND NOT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'schema_migrations')";
        if (await command.ExecuteScalarAsync().ConfigureAwait(false) is string tables)
            throw new StoreStartupException(StoreStartupException.Damaged,
                $"the store {Path} is another program's database (tables {tables}, none of session management's). It was left as it is. Point SM_DATA_DIR or Storage:SqliteFileName elsewhere, or move the file away.");
    }

    /// <summary>
    /// How much the WAL holds before the writer checkpoints it itself. The checkpointer copies the WAL into the file beside the writer,
    /// but while writes keep coming it never catches up with the last of them, and only a checkpoint that has can let the WAL start
    /// over: so under a steady stream of writes the writer checkpoints each time this much waits, and the writes behind it wait for its
    /// fsync. A larger bound was measured and not kept (docs/benchmarks.md, "Tried and not kept").
    /// </summary>
    private const long WalCheckpointBytes = 64L << 20;

    private async Task PrepareAsync(SqliteConnection connection)
    {
        await ExecuteAsync(connection, null, """
            -- 8 KB pages, given before the store goes into WAL mode, which is when a new store takes them (a store made before keeps
            -- its 4 KB: SQLite changes the page size only by rewriting the whole file). Each page written is a WAL frame, two system
            -- calls and a checksum: with half as many, an import took 5-10 % less CPU, and hooks persisted as fast (alternated, 2026-12-03).
            PRAGMA page_size = 8192;
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = NORMAL;
            PRAGMA foreign_keys = ON;
            PRAGMA busy_timeout = 30000;
            -- 4 MB of pages: the saver's index lookups stay cached (2 MB had re-read them from the file); more only raised an
            -- import's peak memory.
            PRAGMA cache_size = -4096;
            CREATE TABLE IF NOT EXISTS schema_migrations (
                module TEXT NOT NULL,
                version INTEGER NOT NULL,
                applied_at TEXT NOT NULL,
                PRIMARY KEY (module, version));
            """).ConfigureAwait(false);
        // The writer checkpoints the WAL itself once WalCheckpointBytes wait, whatever the store's page size.
        await using (var pageSize = connection.CreateCommand())
        {
            pageSize.CommandText = "PRAGMA page_size";
            var bytes = (long)(await pageSize.ExecuteScalarAsync().ConfigureAwait(false))!;
            await ExecuteAsync(connection, null, $"PRAGMA wal_autocheckpoint = {WalCheckpointBytes / bytes}").ConfigureAwait(false);
        }
        await ApplyMigrationsAsync(connection).ConfigureAwait(false);
    }

    private async Task ApplyMigrationsAsync(SqliteConnection connection)
    {
        var applied = new HashSet<(string, long)>();
        await using (var query = connection.CreateCommand())
        {
            query.CommandText = "SELECT module, version FROM schema_migrations";
            await using var reader = await query.ExecuteReaderAsync().ConfigureAwait(false);
            while (await reader.ReadAsync().ConfigureAwait(false))
                applied.Add((reader.GetString(0), reader.GetInt64(1)));
        }

        var now = new List<(string Module, long Version)>();
        foreach (var migration in _migrations.OrderBy(m => m.Module, StringComparer.Ordinal).ThenBy(m => m.Version))
        {
            if (applied.Contains((migration.Module, migration.Version)))
                continue;
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync().ConfigureAwait(false);
            try
            {
                await ExecuteAsync(connection, transaction, migration.Sql).ConfigureAwait(false);
            }
            catch (SqliteException error)
            {
                throw new InvalidOperationException(
                    $"SQLite migration {migration.Module} v{migration.Version} failed and was rolled back: {error.Message}", error);
            }
            await using (var record = connection.CreateCommand())
            {
                record.Transaction = transaction;
                record.CommandText = "INSERT INTO schema_migrations (module, version, applied_at) VALUES ($module, $version, $at)";
                record.Parameters.AddWithValue("$module", migration.Module);
                record.Parameters.AddWithValue("$version", migration.Version);
                record.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.ToString("O"));
                await record.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
            await transaction.CommitAsync().ConfigureAwait(false);
            now.Add((migration.Module, migration.Version));
        }
        // One line for all of them (a new store takes some thirty): chat v1-v13, context v1, …
        if (now.Count > 0)
            _logger.LogInformation("Applied {Count} SQLite migrations: {Migrations}", now.Count, string.Join(", ", now.GroupBy(m => m.Module).Select(m =>
                m.Count() == 1 ? $"{m.Key} v{m.First().Version}" : $"{m.Key} v{m.First().Version}-v{m.Last().Version}")));
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _checkpointLock.WaitAsync().ConfigureAwait(false);
        if (_checkpointer is not null)
            await _checkpointer.DisposeAsync().ConfigureAwait(false);
        _checkpointer = null;
        _checkpointLock.Release();
        if (!_writer.IsValueCreated)
            return;
        SqliteConnection connection;
        try
        {
            connection = await _writer.Value.ConfigureAwait(false);
        }
        catch (Exception error) when (error is StoreStartupException or SqliteException or InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            return; // it never opened; the start-up failure was already reported
        }
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            await ExecuteAsync(connection, null, "PRAGMA wal_checkpoint(TRUNCATE);").ConfigureAwait(false);
        }
        catch (SqliteException error)
        {
            _logger.LogWarning(error, "SQLite checkpoint at shutdown failed; the WAL will be replayed at next start");
        }
        finally
        {
            foreach (var command in _kept.Values)
                await command.DisposeAsync().ConfigureAwait(false);
            foreach (var statement in _keptRaw.Values)
                statement.Dispose();
            _kept.Clear();
            _keptRaw.Clear();
            await connection.DisposeAsync().ConfigureAwait(false);
            _writeLock.Release();
        }
    }
}
