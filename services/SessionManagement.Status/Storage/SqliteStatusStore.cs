using Microsoft.Data.Sqlite;
using SessionManagement.Contracts.Status;
using SessionManagement.Hosting.Storage.Sqlite;
using SessionManagement.Status.Tracking;

namespace SessionManagement.Status.Storage;

internal sealed class SqliteStatusStore(SqliteDatabase database) : IStatusStore
{
    public Task<IReadOnlyList<BackupRunView>> BackupRunsAsync(CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<BackupRunView>>(async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT document FROM status_backup_runs ORDER BY kind";
            var runs = new List<BackupRunView>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                runs.Add(StatusJson.ReadRun(reader.GetString(0)));
            return runs;
        }, cancellationToken);

    public Task ForgetAsync(string sessionId, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var forget = Command(connection, transaction, "DELETE FROM status_sessions WHERE session_id = $id");
            forget.Parameters.AddWithValue("$id", sessionId);
            return await forget.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    public Task SaveBackupRunAsync(BackupRunView run, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var save = Command(connection, transaction, "INSERT OR REPLACE INTO status_backup_runs (kind, document) VALUES ($kind, $document)");
            save.Parameters.AddWithValue("$kind", run.Kind);
            save.Parameters.AddWithValue("$document", StatusJson.WriteRun(run));
            return await save.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    public Task<LiveStatus?> GetAsync(string sessionId, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT document FROM status_sessions WHERE session_id = $id";
            command.Bind("$id", sessionId);
            return await command.ExecuteScalarAsync(cancellationToken) is string json ? StatusJson.Read(json) : null;
        }, cancellationToken);

    public Task<IReadOnlySet<Guid>> CountedAsync(IReadOnlyCollection<Guid> eventIds, CancellationToken cancellationToken) =>
        eventIds.Count == 0 ? Task.FromResult<IReadOnlySet<Guid>>(new HashSet<Guid>()) : database.ReadAsync<IReadOnlySet<Guid>>(async connection =>
        {
            var found = new HashSet<Guid>();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1 FROM status_counted_hooks WHERE event_id = $id";
            var id = command.CreateParameter();
            id.ParameterName = "$id";
            command.Parameters.Add(id);
            foreach (var eventId in eventIds)
            {
                id.Value = eventId.ToByteArray(bigEndian: true);
                if (await command.ExecuteScalarAsync(cancellationToken) is not null)
                    found.Add(eventId);
            }
            return found;
        }, cancellationToken);

    public Task ForgetCountedAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var forget = connection.CreateCommand();
            forget.Transaction = transaction;
            forget.CommandText = "DELETE FROM status_counted_hooks WHERE event_id < $before";
            forget.Parameters.AddWithValue("$before", CountedHooks.Before(before).ToByteArray(bigEndian: true));
            return await forget.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    /// <summary>Totals a period's minute counters into its roll-ups ($granularity, $start, $end).</summary>
    private const string RollUpSql = """
        INSERT OR REPLACE INTO status_rollups (granularity, period_start, project, user_name, model, metric, value)
        SELECT $granularity, $start, project, user_name, model, metric, sum(value) FROM status_counters
        WHERE minute >= $start AND minute < $end GROUP BY project, user_name, model, metric
        """;

    public Task SaveAsync(IReadOnlyCollection<LiveStatus> statuses, IReadOnlyCollection<Counter> counters, DateTimeOffset now, CancellationToken cancellationToken,
        IReadOnlyCollection<Guid>? counted = null) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            if (counted is { Count: > 0 })
            {
                using var remember = new SqliteRawStatement(connection, "INSERT OR IGNORE INTO status_counted_hooks (event_id) VALUES (?1)");
                foreach (var eventId in counted)
                    remember.Execute(eventId.ToByteArray(bigEndian: true));
            }
            await using (var save = Command(connection, transaction,
                "INSERT OR REPLACE INTO status_sessions (session_id, document, last_activity_at) VALUES ($id, $document, $last)"))
            {
                foreach (var status in statuses)
                {
                    save.Parameters.Clear();
                    save.Bind("$id", status.SessionId).Bind("$document", StatusJson.Write(status)).Bind("$last", SqliteValues.Time(status.LastActivityAt));
                    await save.ExecuteNonQueryAsync(cancellationToken);
                }
            }
            // An import of a long session adds a hundred minute counters a batch: bound by position, not through a command's parameters.
            using var add = new SqliteRawStatement(connection, """
                INSERT INTO status_counters (minute, project, user_name, model, metric, value) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                ON CONFLICT (minute, project, user_name, model, metric) DO UPDATE SET value = value + excluded.value
                """);
            foreach (var c in counters)
                add.Execute(SqliteValues.Time(c.Minute), c.Project, c.User, c.Model, c.Metric, c.Value);
            await AddToClosedPeriodsAsync(connection, transaction, LatePeriod.Of(counters, now), cancellationToken);
            return 0;
        }, cancellationToken);

    /// <summary>
    /// Late amounts are added to their period's roll-ups, in the write that adds them to the counters. A period the schedule never
    /// totalled (the host was down when it closed, or it has no roll-up yet) is totalled from its minutes, these amounts with them.
    /// Totalling again each time instead read the whole day's counters at every batch of an import (7,200 of them a day, for 300 MB
    /// of one long session).
    /// </summary>
    private static async Task AddToClosedPeriodsAsync(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<LatePeriod> late,
        CancellationToken cancellationToken)
    {
        if (late.Count == 0)
            return;
        await using var totalled = Command(connection, transaction,
            "SELECT EXISTS (SELECT 1 FROM status_rollups WHERE granularity = $granularity AND period_start = $start)");
        await using var total = Command(connection, transaction, RollUpSql);
        using var add = new SqliteRawStatement(connection, """
            INSERT INTO status_rollups (granularity, period_start, project, user_name, model, metric, value) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
            ON CONFLICT (granularity, period_start, project, user_name, model, metric) DO UPDATE SET value = value + excluded.value
            """);
        foreach (var period in late)
        {
            var start = SqliteValues.Time(period.Start);
            totalled.Parameters.Clear();
            totalled.Bind("$granularity", period.Granularity).Bind("$start", start);
            if (await totalled.ExecuteScalarAsync(cancellationToken) is 1L)
            {
                foreach (var c in period.Added)
                    add.Execute(period.Granularity, start, c.Project, c.User, c.Model, c.Metric, c.Value);
                continue;
            }
            total.Parameters.Clear();
            total.Bind("$granularity", period.Granularity).Bind("$start", start).Bind("$end", SqliteValues.Time(period.End));
            await total.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public Task<int> RollUpAsync(string granularity, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, transaction, RollUpSql);
            command.Bind("$granularity", granularity).Bind("$start", SqliteValues.Time(start)).Bind("$end", SqliteValues.Time(end));
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    public Task<IReadOnlyList<RolledUp>> ReadAsync(string granularity, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<RolledUp>>(async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = granularity == "minute"
                ? "SELECT 'minute', minute, project, user_name, model, metric, value FROM status_counters WHERE minute >= $from AND minute < $to"
                : "SELECT granularity, period_start, project, user_name, model, metric, value FROM status_rollups WHERE granularity = $granularity AND period_start >= $from AND period_start < $to";
            command.Bind("$granularity", granularity).Bind("$from", SqliteValues.Time(from)).Bind("$to", SqliteValues.Time(to));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var rows = new List<RolledUp>();
            while (await reader.ReadAsync(cancellationToken))
                rows.Add(new RolledUp(reader.GetString(0), reader.ReadTime(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                    reader.GetDouble(6)));
            return rows;
        }, cancellationToken);

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }
}
