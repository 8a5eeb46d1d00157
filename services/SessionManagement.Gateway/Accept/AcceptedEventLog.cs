using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionManagement.Contracts.Gateway;
using SessionManagement.Hosting.Options;
using SessionManagement.Hosting.Security;
using SessionManagement.Hosting.Storage.Sqlite;

namespace SessionManagement.Gateway.Accept;

/// <summary>
/// The embedded gateway's accepted-events log: a hook is answered only once it is committed here, and it stays here until
/// every module that consumes it has stored it, so a host killed at any moment hands it over again at its next start.
/// Commits are grouped: the hooks that arrive while one transaction commits go in the next one together, so a burst costs
/// one commit, not one per hook. A file of its own (<c>accepted-events.db</c> beside the store): accepting a hook never waits
/// behind the store's writer, and a damaged store does not stop hooks from being kept.
/// </summary>
internal sealed class AcceptedEventLog : IAsyncDisposable
{
    public const string FileName = "accepted-events.db";
    private const int GroupCapacity = 512;
    private const string Columns = "seq, event_id, session_id, hook_event_name, received_at, capture_sequence, host, user_name, cwd, transcript_path, raw_json, git_branch";

    // Hooks waiting for the next group. A plain list under a monitor, not a channel: the committer thread waits on it blocked,
    // where waiting on a channel's task spins first (measured: a sixth of the host's CPU at 4,000 hooks/s spent spinning there).
    private readonly object _gate = new();
    private List<PendingAccept> _waiting = new(GroupCapacity);
    private bool _closed;
    private readonly Thread _committer;
    private readonly ILogger<AcceptedEventLog> _logger;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private SqliteConnection? _open;
    private SqliteCommand? _insert;

    /// <summary>The name a hook's raw JSON is sealed under at rest.</summary>
    public const string Record = "accepted_events.raw_json";

    private readonly AtRest _atRest;

    public AcceptedEventLog(IOptions<StorageOptions> storage, ILogger<AcceptedEventLog> logger, AtRest atRest)
    {
        _atRest = atRest;
        Path = System.IO.Path.Combine(storage.Value.DataDirectory, FileName);
        _logger = logger;
        // Committing starts at once: a hook that cannot be kept (the file will not open) fails now and is spooled, never waits.
        _committer = new Thread(CommitLoop) { IsBackground = true, Name = "accepted-events commit" };
        _committer.Start();
    }

    public string Path { get; }

    /// <summary>Opens the file (creating it); returns the events accepted before and not yet finished (a previous run's, after a crash).</summary>
    public Task<IReadOnlyList<AcceptedEvent>> OpenAndRecoverAsync(CancellationToken cancellationToken) => ReadAsync("", cancellationToken);

    /// <summary>
    /// Keeps the event durably; completes, with its place in the log, once it is committed. Throws when the log cannot be written
    /// (full disk, read-only folder).
    /// </summary>
    public Task<AcceptedEvent> AcceptAsync(HookEventCaptured captured, CancellationToken cancellationToken)
    {
        var pending = new PendingAccept(captured);
        lock (_gate)
        {
            if (_closed)
                throw new ObjectDisposedException(nameof(AcceptedEventLog), "the accepted-events log is closed");
            _waiting.Add(pending);
            if (_waiting.Count == 1)
                Monitor.Pulse(_gate);
        }
        return pending.Committed.Task.WaitAsync(cancellationToken);
    }

    /// <summary>The events at these positions, for handing one again to a consumer that failed it.</summary>
    public Task<IReadOnlyList<AcceptedEvent>> GetAsync(IReadOnlyCollection<long> sequences, CancellationToken cancellationToken) =>
        sequences.Count == 0 ? Task.FromResult<IReadOnlyList<AcceptedEvent>>([])
            : ReadAsync($"WHERE seq IN ({string.Join(',', sequences)})", cancellationToken);

    /// <summary>Lets go of events every consumer has stored: one range delete per run of consecutive positions.</summary>
    public async Task ForgetAsync(IReadOnlyCollection<long> sequences, CancellationToken cancellationToken)
    {
        if (sequences.Count == 0)
            return;
        var sorted = sequences.Order().ToArray();
        var ranges = new List<string>();
        for (int start = 0, end; start < sorted.Length; start = end + 1)
        {
            for (end = start; end + 1 < sorted.Length && sorted[end + 1] <= sorted[end] + 1; end++)
            {
            }
            ranges.Add(sorted[start] == sorted[end] ? $"seq = {sorted[start]}" : $"seq BETWEEN {sorted[start]} AND {sorted[end]}");
        }
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = await ConnectionAsync().ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = $"DELETE FROM accepted_events WHERE {string.Join(" OR ", ranges)}";
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>
    /// Rewrites the log without its free pages, and empties its WAL: a hook is deleted here once every module stored it, but its bytes
    /// stay in the file until overwritten. Done when a session is deleted for good, so its hooks' words leave this file too. The log
    /// holds only what waits, so this takes milliseconds; hooks wait for it meanwhile, as for a commit.
    /// </summary>
    public async Task CompactAsync(CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = await ConnectionAsync().ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = "VACUUM; PRAGMA wal_checkpoint(TRUNCATE);";
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>How many accepted events wait for a consumer to store them.</summary>
    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = await ConnectionAsync().ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM accepted_events";
            return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>
    /// Commits on a thread of its own: the hooks that arrived while one group committed go in the next group together. Not on the
    /// thread pool, whose threads the modules' own writes keep busy under load; and not on the callers' threads, which a
    /// synchronous commit would hold (both measured slower).
    /// </summary>
    private void CommitLoop()
    {
        var group = new List<PendingAccept>(GroupCapacity);
        while (true)
        {
            lock (_gate)
            {
                while (_waiting.Count == 0 && !_closed)
                    Monitor.Wait(_gate);
                if (_waiting.Count == 0)
                    return;
                (group, _waiting) = (_waiting, group);
            }
            try
            {
                var sequences = Commit(group);
                for (var i = 0; i < group.Count; i++)
                    group[i].Committed.TrySetResult(new AcceptedEvent(sequences[i], group[i].Event));
            }
            catch (Exception error)
            {
                _logger.LogError("Keeping {Count} hooks in the accepted-events log {Path} failed: {Problem}", group.Count, Path, error.Message);
                foreach (var pending in group)
                    pending.Committed.TrySetException(error);
            }
            group.Clear();
        }
    }

    private long[] Commit(List<PendingAccept> group)
    {
        _lock.Wait();
        try
        {
            var connection = _open ??= OpenAsync().GetAwaiter().GetResult();
            using var transaction = connection.BeginTransaction();
            var insert = _insert ??= PrepareInsert(connection);
            insert.Transaction = transaction;
            var parameters = insert.Parameters;
            var sequences = new long[group.Count];
            for (var i = 0; i < group.Count; i++)
            {
                var e = group[i].Event;
                parameters[0].Value = e.EventId.ToString();
                parameters[1].Value = e.SessionId;
                parameters[2].Value = e.HookEventName;
                parameters[3].Value = SqliteValues.Time(e.ReceivedAt);
                parameters[4].Value = e.CaptureSequence;
                parameters[5].Value = e.Host;
                parameters[6].Value = e.User;
                parameters[7].Value = (object?)e.Cwd ?? DBNull.Value;
                parameters[8].Value = (object?)e.TranscriptPath ?? DBNull.Value;
                // Sealed, the raw JSON goes in as the sealed bytes (a blob): base64 would cost a third more on the hook's commit path.
                parameters[9].Value = _atRest.Seals ? _atRest.Seal(System.Text.Encoding.UTF8.GetBytes(e.RawJson), Record) : e.RawJson;
                parameters[10].Value = (object?)e.GitBranch ?? DBNull.Value;
                sequences[i] = (long)insert.ExecuteScalar()!;
            }
            transaction.Commit();
            return sequences;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>A hook's raw JSON as kept: text in clear, or the bytes it was sealed as.</summary>
    private string RawJson(SqliteDataReader reader) => reader.GetFieldType(10) == typeof(byte[])
        ? System.Text.Encoding.UTF8.GetString(_atRest.Open((byte[])reader.GetValue(10), Record))
        : _atRest.OpenText(reader.GetString(10), Record);

    /// <summary>The insert every hook runs, compiled once for the connection's life.</summary>
    private static SqliteCommand PrepareInsert(SqliteConnection connection)
    {
        var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO accepted_events (event_id, session_id, hook_event_name, received_at, capture_sequence, host, user_name, cwd, transcript_path, raw_json, git_branch)
            VALUES ($id, $session, $event, $received, $sequence, $host, $user, $cwd, $transcript, $raw, $branch)
            RETURNING seq
            """;
        foreach (var name in new[] { "$id", "$session", "$event", "$received", "$sequence", "$host", "$user", "$cwd", "$transcript", "$raw", "$branch" })
            insert.Parameters.Add(new SqliteParameter { ParameterName = name });
        insert.Prepare();
        return insert;
    }

    /// <summary>The events <paramref name="where"/> selects (all when empty), in log order.</summary>
    private async Task<IReadOnlyList<AcceptedEvent>> ReadAsync(string where, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = await ConnectionAsync().ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {Columns} FROM accepted_events {where} ORDER BY seq";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var events = new List<AcceptedEvent>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                events.Add(new AcceptedEvent(reader.GetInt64(0), ConversationHookCaptured.Classify(new HookEventCaptured(
                    Guid.Parse(reader.GetString(1)), reader.GetString(2), reader.GetString(3), reader.ReadTime(4), reader.GetInt64(5),
                    reader.GetString(6), reader.GetString(7), reader.ReadNullableString(8), reader.ReadNullableString(9), RawJson(reader),
                    reader.ReadNullableString(11)))));
            }
            return events;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>The open connection, opened now if it is not (again, after a start on a full disk); call under the lock.</summary>
    private async Task<SqliteConnection> ConnectionAsync() => _open ??= await OpenAsync().ConfigureAwait(false);

    private async Task<SqliteConnection> OpenAsync()
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        try
        {
            await connection.OpenAsync().ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            // WAL with synchronous NORMAL: a commit is in the log file once it returns, so it survives the process being killed;
            // only a power cut before the next checkpoint can take the newest commits (the fsync per hook would cost more than
            // the hook's whole budget). Rows are found by position only (seq, the rowid: it only grows while rows wait): no
            // other index to keep up on every hook. A hook accepted twice (a replay racing its original) is handed over twice
            // and stored once.
            command.CommandText = """
                PRAGMA journal_mode = WAL;
                PRAGMA synchronous = NORMAL;
                PRAGMA busy_timeout = 30000;
                CREATE TABLE IF NOT EXISTS accepted_events (
                    seq INTEGER PRIMARY KEY,
                    event_id TEXT NOT NULL,
                    session_id TEXT NOT NULL,
                    hook_event_name TEXT NOT NULL,
                    received_at TEXT NOT NULL,
                    capture_sequence INTEGER NOT NULL,
                    host TEXT NOT NULL,
                    user_name TEXT NOT NULL,
                    cwd TEXT,
                    transcript_path TEXT,
                    raw_json TEXT NOT NULL,
                    git_branch TEXT);
                """;
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            _closed = true;
            Monitor.Pulse(_gate);
        }
        await Task.Run(_committer.Join).ConfigureAwait(false);
        await _lock.WaitAsync().ConfigureAwait(false);
        _insert?.Dispose();
        _insert = null;
        if (_open is not null)
            await _open.DisposeAsync().ConfigureAwait(false);
        _open = null;
        _lock.Release();
    }

    private sealed record PendingAccept(HookEventCaptured Event)
    {
        public TaskCompletionSource<AcceptedEvent> Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
