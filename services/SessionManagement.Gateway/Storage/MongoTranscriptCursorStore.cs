using MongoDB.Driver;
using SessionManagement.Gateway.Transcripts;

namespace SessionManagement.Gateway.Storage;

internal sealed class MongoTranscriptCursorStore : ITranscriptCursorStore
{
    private readonly IMongoCollection<TranscriptCursor> _cursors;
    private readonly IMongoCollection<DeletedSession> _deleted;

    public MongoTranscriptCursorStore(IMongoDatabase database)
    {
        GatewayMongoCollections.RegisterMaps();
        _cursors = database.GetCollection<TranscriptCursor>(GatewayMongoCollections.TranscriptCursors);
        _deleted = database.GetCollection<DeletedSession>(GatewayMongoCollections.DeletedSessions);
    }

    public async Task<TranscriptCursor?> GetAsync(string sessionId, string transcriptPath, CancellationToken cancellationToken) =>
        await _cursors.Find(c => c.SessionId == sessionId && c.TranscriptPath == transcriptPath).FirstOrDefaultAsync(cancellationToken);

    public Task SaveAsync(TranscriptCursor cursor, CancellationToken cancellationToken) =>
        _cursors.ReplaceOneAsync(c => c.SessionId == cursor.SessionId && c.TranscriptPath == cursor.TranscriptPath,
            cursor, new ReplaceOptions { IsUpsert = true }, cancellationToken);

    public async Task MarkDeletedAsync(DeletedSession deleted, CancellationToken cancellationToken)
    {
        try
        {
            await _deleted.InsertOneAsync(deleted, cancellationToken: cancellationToken);
        }
        catch (MongoWriteException error) when (error.WriteError.Category == ServerErrorCategory.DuplicateKey)
        {
            // Times compare as BSON dates, to the millisecond on both sides.
            await _deleted.ReplaceOneAsync(d => d.SessionId == deleted.SessionId && d.DeletedAt < deleted.DeletedAt, deleted, cancellationToken: cancellationToken);
            if (deleted.By.Length > 0)
                await _deleted.ReplaceOneAsync(d => d.SessionId == deleted.SessionId && d.DeletedAt == deleted.DeletedAt && d.By == "", deleted,
                    cancellationToken: cancellationToken);
        }
    }

    public async Task<DeletedSession?> DeletedAsync(string sessionId, CancellationToken cancellationToken) =>
        await _deleted.Find(d => d.SessionId == sessionId).FirstOrDefaultAsync(cancellationToken);

    public async Task<bool> UndeleteAsync(string sessionId, CancellationToken cancellationToken) =>
        (await _deleted.DeleteOneAsync(d => d.SessionId == sessionId, cancellationToken)).DeletedCount > 0;
}
