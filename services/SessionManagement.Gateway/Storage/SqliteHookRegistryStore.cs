using SessionManagement.Gateway.Registry;
using SessionManagement.Hosting.Storage.Sqlite;

namespace SessionManagement.Gateway.Storage;

internal sealed class SqliteHookRegistryStore(SqliteDatabase database) : IHookRegistryStore
{
    public Task RecordAsync(IReadOnlyList<HookRegistryEntry> deltas, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            foreach (var delta in deltas)
            {
                await using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = """
                    INSERT INTO hook_registry (host, project_dir, hook_event_name, count, first_seen, last_seen, bridge_version)
                    VALUES ($host, $project, $event, $count, $first, $last, $version)
                    ON CONFLICT (host, project_dir, hook_event_name) DO UPDATE SET
                        count = count + excluded.count,
                        first_seen = min(first_seen, excluded.first_seen),
                        bridge_version = CASE WHEN excluded.last_seen >= last_seen THEN excluded.bridge_version ELSE bridge_version END,
                        last_seen = max(last_seen, excluded.last_seen)
                    """;
                command.Bind("$host", delta.Host).Bind("$project", delta.ProjectDir).Bind("$event", delta.HookEventName)
                    .Bind("$count", delta.Count).Bind("$first", SqliteValues.Time(delta.FirstSeen))
                    .Bind("$last", SqliteValues.Time(delta.LastSeen)).Bind("$version", delta.BridgeVersion);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            return deltas.Count;
        }, cancellationToken);

    public Task<IReadOnlyList<HookRegistryEntry>> ListAsync(string? host, string? projectDir, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<HookRegistryEntry>>(async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT host, project_dir, hook_event_name, count, first_seen, last_seen, bridge_version FROM hook_registry
                WHERE ($host IS NULL OR host = $host) AND ($project IS NULL OR project_dir = $project)
                ORDER BY host, project_dir, hook_event_name
                """;
            command.Bind("$host", host).Bind("$project", projectDir);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var entries = new List<HookRegistryEntry>();
            while (await reader.ReadAsync(cancellationToken))
            {
                entries.Add(new HookRegistryEntry(reader.GetString(0), reader.GetString(1), reader.GetString(2),
                    reader.GetInt64(3), reader.ReadTime(4), reader.ReadTime(5), reader.GetString(6)));
            }
            return entries;
        }, cancellationToken);
}
