using Microsoft.Data.Sqlite;
using SessionManagement.Gateway.Journal;
using SessionManagement.Hosting.Storage.Sqlite;

namespace SessionManagement.Gateway.Storage;

internal sealed class SqliteDeliveryJournal(SqliteDatabase database) : IDeliveryJournal
{
    private const string Columns = "event_id, received_at, session_id, hook_event_name, status, channel, size_bytes, reason, raw_input, raw_path, raw_sha256";

    public Task AppendAsync(IReadOnlyList<DeliveryRecord> records, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"""
                INSERT INTO delivery_journal ({Columns})
                VALUES ($id, $received, $session, $event, $status, $channel, $size, $reason, $raw, $path, $sha)
                ON CONFLICT (event_id) DO UPDATE SET received_at = excluded.received_at, session_id = excluded.session_id,
                    hook_event_name = excluded.hook_event_name, status = excluded.status, channel = excluded.channel,
                    size_bytes = excluded.size_bytes, reason = excluded.reason, raw_input = excluded.raw_input, raw_path = excluded.raw_path,
                    raw_sha256 = excluded.raw_sha256
                WHERE delivery_journal.status = 'Rejected' AND excluded.status = 'Published'
                """;
            var parameters = new[] { "$id", "$received", "$session", "$event", "$status", "$channel", "$size", "$reason", "$raw", "$path", "$sha" }
                .Select(name => command.Parameters.Add(new SqliteParameter { ParameterName = name })).ToArray();
            await command.PrepareAsync(cancellationToken);
            foreach (var record in records)
            {
                parameters[0].Value = record.EventId.ToString();
                parameters[1].Value = SqliteValues.Time(record.ReceivedAt);
                parameters[2].Value = record.SessionId;
                parameters[3].Value = record.HookEventName;
                parameters[4].Value = record.Status.ToString();
                parameters[5].Value = record.Channel;
                parameters[6].Value = record.SizeBytes;
                parameters[7].Value = (object?)record.Reason ?? DBNull.Value;
                parameters[8].Value = (object?)record.RawInput ?? DBNull.Value;
                parameters[9].Value = (object?)record.RawPath ?? DBNull.Value;
                parameters[10].Value = (object?)record.RawSha256 ?? DBNull.Value;
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            return records.Count;
        }, cancellationToken);

    public Task<bool> ContainsAsync(Guid eventId, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1 FROM delivery_journal WHERE event_id = $id";
            command.Bind("$id", eventId.ToString());
            return await command.ExecuteScalarAsync(cancellationToken) is not null;
        }, cancellationToken);

    public async Task<DeliveryRecord?> GetAsync(Guid eventId, CancellationToken cancellationToken)
    {
        var found = await QueryAsync($"SELECT {Columns} FROM delivery_journal WHERE event_id = $id",
            command => command.Bind("$id", eventId.ToString()), cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    public Task<IReadOnlyList<DeliveryRecord>> ListAsync(DeliveryStatus? status, int limit, CancellationToken cancellationToken) =>
        status is { } wanted
            ? QueryAsync($"SELECT {Columns} FROM delivery_journal WHERE status = $status ORDER BY received_at DESC LIMIT $limit",
                command => command.Bind("$status", wanted.ToString()).Bind("$limit", limit), cancellationToken)
            : QueryAsync($"SELECT {Columns} FROM delivery_journal ORDER BY received_at DESC LIMIT $limit",
                command => command.Bind("$limit", limit), cancellationToken);

    public async Task<IReadOnlyList<string>> ForgetInputsAsync(string sessionId, CancellationToken cancellationToken)
    {
        const string Kept = "status = 'Rejected' AND session_id = $session AND (raw_input IS NOT NULL OR raw_path IS NOT NULL)";
        var found = await QueryAsync($"SELECT {Columns} FROM delivery_journal WHERE {Kept}", command => command.Bind("$session", sessionId), cancellationToken);
        if (found.Count == 0)
            return [];
        await database.OverwritingWriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"""
                UPDATE delivery_journal SET raw_input = NULL, raw_path = NULL, reason = coalesce(reason, '') || $note WHERE {Kept}
                """;
            command.Bind("$session", sessionId).Bind("$note", DeliveryRecord.InputForgotten);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken, forgetOldPages: true);
        return found.Where(r => r.RawPath is not null).Select(r => r.RawPath!).ToList();
    }

    private Task<IReadOnlyList<DeliveryRecord>> QueryAsync(string sql, Action<SqliteCommand> bind, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<DeliveryRecord>>(async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            bind(command);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var records = new List<DeliveryRecord>();
            while (await reader.ReadAsync(cancellationToken))
            {
                records.Add(new DeliveryRecord(
                    Guid.Parse(reader.GetString(0)),
                    reader.ReadTime(1),
                    reader.GetString(2),
                    reader.GetString(3),
                    Enum.Parse<DeliveryStatus>(reader.GetString(4)),
                    reader.GetString(5),
                    reader.GetInt64(6),
                    reader.ReadNullableString(7),
                    reader.ReadNullableBlob(8),
                    reader.ReadNullableString(9),
                    reader.ReadNullableString(10)));
            }
            return records;
        }, cancellationToken);
}
