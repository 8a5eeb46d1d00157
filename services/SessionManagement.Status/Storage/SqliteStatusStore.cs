using Microsoft.Data.Sqlite;
using SessionManagement.Hosting.Storage.Sqlite;
using SessionManagement.Status.Tracking;

namespace SessionManagement.Status.Storage;

internal sealed class SqliteStatusStore(SqliteDatabase database) : IStatusStore
{
    public Task<LiveStatus?> GetAsync(string sessionId, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT document FROM status_sessions WHERE session_id = $id";
            command.Bind("$id", sessionId);
            return await command.ExecuteScalarAsync(cancellationToken) is string json ? StatusJson.Read(json) : null;
        }, cancellationToken);

    public Task SaveAsync(IReadOnlyCollection<LiveStatus> statuses, IReadOnlyCollection<Counter> counters, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
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
            return 0;
        }, cancellationToken);

    public Task<int> RollUpAsync(string granularity, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, transaction, """
                INSERT OR REPLACE INTO status_rollups (granularity, period_start, project, user_name, model, metric, value)
                SELECT $granularity, $start, project, user_name, model, metric, sum(value) FROM status_counters
                WHERE minute >= $start AND minute < $end GROUP BY project, user_name, model, metric
                """);
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
