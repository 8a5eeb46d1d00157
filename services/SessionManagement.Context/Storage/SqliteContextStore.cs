using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using SessionManagement.Context.Items;
using SessionManagement.Contracts;
using SessionManagement.Hosting.Options;
using SessionManagement.Hosting.Security;
using SessionManagement.Hosting.Storage;
using SessionManagement.Hosting.Storage.Sqlite;

namespace SessionManagement.Context.Storage;

internal sealed class SqliteContextStore(SqliteDatabase database, IOptions<PersistenceOptions> persistence, AtRest atRest) : IContextStore, IAtRestRecords
{
    /// <summary>The name an item's content is sealed under at rest.</summary>
    public const string Record = "context_items.content";

    private const string Columns = "item_id, type, scope, session_id, project_dir, user_name, team, private, priority, source_session_id, " +
        "content, encoding, created_at, updated_at, expires_at, version, schema_version, checksum";

    public Task<ContextItem?> GetAsync(string itemId, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection =>
        {
            var items = await ReadAsync(connection, $"SELECT {Columns} FROM context_items WHERE item_id = $id", c => c.Bind("$id", itemId), cancellationToken);
            return items.Count == 0 ? null : items[0];
        }, cancellationToken);

    public Task SaveAsync(ContextItem i, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var (content, encoding) = CompressedText.Encode(i.Content, persistence.Value.Compression, atRest, Record);
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"""
                INSERT OR REPLACE INTO context_items ({Columns})
                VALUES ($id, $type, $scope, $session, $project, $user, $team, $private, $priority, $source, $content, $encoding,
                        $created, $updated, $expires, $version, $schema, $checksum)
                """;
            command.Bind("$id", i.ItemId).Bind("$type", i.Type).Bind("$scope", i.Scope).Bind("$session", i.SessionId).Bind("$project", i.ProjectDir)
                .Bind("$user", i.User).Bind("$team", i.Team).Bind("$private", i.Private).Bind("$priority", i.Priority).Bind("$source", i.SourceSessionId)
                .Bind("$content", content).Bind("$encoding", encoding).Bind("$created", SqliteValues.Time(i.CreatedAt))
                .Bind("$updated", SqliteValues.Time(i.UpdatedAt)).Bind("$expires", i.ExpiresAt is { } e ? SqliteValues.Time(e) : null)
                .Bind("$version", i.Version).Bind("$schema", i.SchemaVersion).Bind("$checksum", i.Checksum);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    public Task<IReadOnlyList<ContextItem>> CandidatesAsync(string? sessionId, string? projectDir, string? user, string? team, CancellationToken cancellationToken) =>
        database.ReadAsync(connection => ReadAsync(connection, $"""
            SELECT {Columns} FROM context_items WHERE (scope = 'session' AND session_id = $session) OR (scope = 'project' AND project_dir IN ($project, $checkout))
                OR (scope = 'user' AND user_name = $user) OR (scope = 'team' AND team = $team)
            """, c => c.Bind("$session", sessionId).Bind("$project", projectDir).Bind("$checkout", ProjectFolders.CheckoutOf(projectDir)).Bind("$user", user).Bind("$team", team), cancellationToken), cancellationToken);

    public Task<IReadOnlyList<ContextItem>> InScopeAsync(string scope, string key, CancellationToken cancellationToken)
    {
        var column = scope switch { "session" => "session_id", "project" => "project_dir", "user" => "user_name", _ => "team" };
        return database.ReadAsync(connection => ReadAsync(connection, $"SELECT {Columns} FROM context_items WHERE scope = $scope AND {column} = $key",
            c => c.Bind("$scope", scope).Bind("$key", key), cancellationToken), cancellationToken);
    }

    /// <summary>What the items held is overwritten in the file, the WAL's older pages too (deletes are rare: an item removed, pruned, or its session's).</summary>
    public Task DeleteAsync(IReadOnlyCollection<string> itemIds, CancellationToken cancellationToken) =>
        database.OverwritingWriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "DELETE FROM context_items WHERE item_id IN (SELECT value FROM json_each($ids))";
            command.Bind("$ids", System.Text.Json.JsonSerializer.Serialize(itemIds));
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken, forgetOldPages: true);

    public Task<IReadOnlyList<ContextItemVersion>> VersionsAsync(CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<ContextItemVersion>>(async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT scope, CASE scope WHEN 'session' THEN session_id WHEN 'project' THEN project_dir WHEN 'user' THEN user_name ELSE team END,
                    item_id, version
                FROM context_items
                """;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var versions = new List<ContextItemVersion>();
            while (await reader.ReadAsync(cancellationToken))
                if (!reader.IsDBNull(1))
                    versions.Add(new ContextItemVersion(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3)));
            return versions;
        }, cancellationToken);

    public string Name => "context";

    /// <summary>Seals again a chunk of items whose content is in clear or under an older key, by id, overwriting what they held.</summary>
    public Task<(string? Next, int Resealed)> ResealAsync(AtRest keys, string? cursor, int max, CancellationToken cancellationToken) =>
        database.OverwritingWriteAsync(async (connection, transaction) =>
        {
            var rows = new List<(string Id, byte[] Content)>();
            await using (var read = connection.CreateCommand())
            {
                read.Transaction = transaction;
                read.CommandText = "SELECT item_id, content FROM context_items WHERE item_id > $after ORDER BY item_id LIMIT $max";
                read.Bind("$after", cursor ?? "").Bind("$max", max);
                await using var reader = await read.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                    rows.Add((reader.GetString(0), (byte[])reader.GetValue(1)));
            }
            var resealed = 0;
            await using var update = connection.CreateCommand();
            update.Transaction = transaction;
            update.CommandText = "UPDATE context_items SET content = $content WHERE item_id = $id";
            foreach (var (id, content) in rows.Where(r => keys.IsStale(r.Content)))
            {
                update.Parameters.Clear();
                update.Bind("$id", id).Bind("$content", keys.Seal(keys.Open(content, Record), Record));
                await update.ExecuteNonQueryAsync(cancellationToken);
                resealed++;
            }
            return (rows.Count == 0 ? null : rows[^1].Id, resealed);
        }, cancellationToken);

    private async Task<IReadOnlyList<ContextItem>> ReadAsync(SqliteConnection connection, string sql, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command);
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        var items = new List<ContextItem>();
        while (await r.ReadAsync(cancellationToken))
        {
            items.Add(new ContextItem(r.GetString(0), r.GetString(1), r.GetString(2), r.ReadNullableString(3), r.ReadNullableString(4),
                r.ReadNullableString(5), r.ReadNullableString(6), r.GetBoolean(7), r.GetInt32(8), r.ReadNullableString(9),
                CompressedText.Decode((byte[])r.GetValue(10), r.GetString(11), atRest, Record), r.ReadTime(12), r.ReadTime(13), r.ReadNullableTime(14),
                r.GetInt64(15), r.GetInt32(16), r.GetString(17)));
        }
        return items;
    }
}
