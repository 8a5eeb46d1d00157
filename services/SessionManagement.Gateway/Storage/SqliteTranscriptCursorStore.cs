using SessionManagement.Gateway.Transcripts;
using SessionManagement.Hosting.Storage.Sqlite;

namespace SessionManagement.Gateway.Storage;

internal sealed class SqliteTranscriptCursorStore(SqliteDatabase database) : ITranscriptCursorStore
{
    public Task<TranscriptCursor?> GetAsync(string sessionId, string transcriptPath, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT byte_offset, fingerprint, updated_at, shift FROM transcript_cursors
                WHERE session_id = $session AND transcript_path = $path
                """;
            command.Bind("$session", sessionId).Bind("$path", transcriptPath);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken)
                ? new TranscriptCursor(sessionId, transcriptPath, reader.GetInt64(0), reader.GetString(1), reader.ReadTime(2)) { Shift = reader.GetInt64(3) }
                : null;
        }, cancellationToken);

    public Task SaveAsync(TranscriptCursor cursor, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT OR REPLACE INTO transcript_cursors (session_id, transcript_path, byte_offset, fingerprint, updated_at, shift)
                VALUES ($session, $path, $offset, $fingerprint, $updated, $shift)
                """;
            command.Bind("$session", cursor.SessionId).Bind("$path", cursor.TranscriptPath).Bind("$offset", cursor.Offset)
                .Bind("$fingerprint", cursor.Fingerprint).Bind("$updated", SqliteValues.Time(cursor.UpdatedAt)).Bind("$shift", cursor.Shift);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    public Task MarkDeletedAsync(DeletedSession deleted, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO deleted_sessions (session_id, deleted_at, deleted_by) VALUES ($session, $at, $by)
                ON CONFLICT (session_id) DO UPDATE SET deleted_at = excluded.deleted_at, deleted_by = excluded.deleted_by
                WHERE excluded.deleted_at > deleted_sessions.deleted_at
                    OR (excluded.deleted_at = deleted_sessions.deleted_at AND deleted_sessions.deleted_by = '' AND excluded.deleted_by <> '')
                """;
            command.Bind("$session", deleted.SessionId).Bind("$at", SqliteValues.Time(deleted.DeletedAt)).Bind("$by", deleted.By);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    public Task<DeletedSession?> DeletedAsync(string sessionId, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT deleted_at, deleted_by FROM deleted_sessions WHERE session_id = $session";
            command.Bind("$session", sessionId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? new DeletedSession(sessionId, reader.ReadTime(0), reader.GetString(1)) : null;
        }, cancellationToken);

    public Task<bool> UndeleteAsync(string sessionId, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "DELETE FROM deleted_sessions WHERE session_id = $session";
            command.Bind("$session", sessionId);
            return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
        }, cancellationToken);
}
