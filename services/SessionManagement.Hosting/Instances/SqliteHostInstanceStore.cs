using Microsoft.Data.Sqlite;
using SessionManagement.Hosting.Storage.Sqlite;

namespace SessionManagement.Hosting.Instances;

internal sealed class SqliteHostInstanceStore(SqliteDatabase database) : IHostInstanceStore
{
    public static readonly SqliteMigration Schema = new("hosting", 1, """
        CREATE TABLE host_instances (
            instance_id TEXT PRIMARY KEY,
            machine TEXT NOT NULL,
            process_id INTEGER NOT NULL,
            targets TEXT NOT NULL,
            version TEXT NOT NULL,
            transport TEXT NOT NULL,
            storage TEXT NOT NULL,
            urls TEXT NOT NULL,
            started_at TEXT NOT NULL,
            last_seen_at TEXT NOT NULL,
            stopped_at TEXT NULL);
        CREATE INDEX ix_host_instances_started_at ON host_instances (started_at DESC);
        """);

    private const string Columns =
        "instance_id, machine, process_id, targets, version, transport, storage, urls, started_at, last_seen_at, stopped_at";

    public Task RecordStartAsync(HostInstance instance, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"""
                INSERT OR REPLACE INTO host_instances ({Columns})
                VALUES ($id, $machine, $pid, $targets, $version, $transport, $storage, $urls, $started, $seen, $stopped)
                """;
            command.Parameters.AddWithValue("$id", instance.InstanceId.ToString());
            command.Parameters.AddWithValue("$machine", instance.Machine);
            command.Parameters.AddWithValue("$pid", instance.ProcessId);
            command.Parameters.AddWithValue("$targets", string.Join(',', instance.Targets));
            command.Parameters.AddWithValue("$version", instance.Version);
            command.Parameters.AddWithValue("$transport", instance.Transport);
            command.Parameters.AddWithValue("$storage", instance.Storage);
            command.Parameters.AddWithValue("$urls", instance.Urls);
            command.Parameters.AddWithValue("$started", SqliteValues.Time(instance.StartedAt));
            command.Parameters.AddWithValue("$seen", SqliteValues.Time(instance.LastSeenAt));
            command.Parameters.AddWithValue("$stopped", instance.StoppedAt is { } stopped ? SqliteValues.Time(stopped) : DBNull.Value);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    public Task<bool> RecordHeartbeatAsync(Guid instanceId, DateTimeOffset seenAt, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                UPDATE host_instances SET last_seen_at = max(last_seen_at, $seen) WHERE instance_id = $id
                """;
            command.Parameters.AddWithValue("$id", instanceId.ToString());
            command.Parameters.AddWithValue("$seen", SqliteValues.Time(seenAt));
            return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        }, cancellationToken);

    public Task RecordStopAsync(Guid instanceId, DateTimeOffset stoppedAt, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                UPDATE host_instances SET stopped_at = $stopped, last_seen_at = max(last_seen_at, $stopped)
                WHERE instance_id = $id
                """;
            command.Parameters.AddWithValue("$id", instanceId.ToString());
            command.Parameters.AddWithValue("$stopped", SqliteValues.Time(stoppedAt));
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    public async Task<HostInstance?> GetAsync(Guid instanceId, CancellationToken cancellationToken)
    {
        var found = await QueryAsync($"SELECT {Columns} FROM host_instances WHERE instance_id = $id",
            command => command.Parameters.AddWithValue("$id", instanceId.ToString()), cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    public Task<IReadOnlyList<HostInstance>> ListRecentAsync(int limit, CancellationToken cancellationToken) =>
        QueryAsync($"SELECT {Columns} FROM host_instances ORDER BY started_at DESC LIMIT $limit",
            command => command.Parameters.AddWithValue("$limit", limit), cancellationToken);

    public Task PingAsync(CancellationToken cancellationToken) =>
        database.ReadAsync(async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM schema_migrations";
            return await command.ExecuteScalarAsync(cancellationToken);
        }, cancellationToken);

    private Task<IReadOnlyList<HostInstance>> QueryAsync(string sql, Action<SqliteCommand> bind, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<HostInstance>>(async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            bind(command);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var instances = new List<HostInstance>();
            while (await reader.ReadAsync(cancellationToken))
            {
                instances.Add(new HostInstance(
                    Guid.Parse(reader.GetString(0)),
                    reader.GetString(1),
                    reader.GetInt32(2),
                    reader.GetString(3).Split(',', StringSplitOptions.RemoveEmptyEntries),
                    reader.GetString(4),
                    reader.GetString(5),
                    reader.GetString(6),
                    reader.GetString(7),
                    reader.ReadTime(8),
                    reader.ReadTime(9),
                    reader.ReadNullableTime(10)));
            }
            return instances;
        }, cancellationToken);
}
