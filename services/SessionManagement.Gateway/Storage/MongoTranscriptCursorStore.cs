using MongoDB.Driver;
using SessionManagement.Gateway.Transcripts;

namespace SessionManagement.Gateway.Storage;

internal sealed class MongoTranscriptCursorStore : ITranscriptCursorStore
{
    private readonly IMongoCollection<TranscriptCursor> _cursors;

    public MongoTranscriptCursorStore(IMongoDatabase database)
    {
        GatewayMongoCollections.RegisterMaps();
        _cursors = database.GetCollection<TranscriptCursor>(GatewayMongoCollections.TranscriptCursors);
    }

    public async Task<TranscriptCursor?> GetAsync(string sessionId, string transcriptPath, CancellationToken cancellationToken) =>
        await _cursors.Find(c => c.SessionId == sessionId && c.TranscriptPath == transcriptPath).FirstOrDefaultAsync(cancellationToken);

    public Task SaveAsync(TranscriptCursor cursor, CancellationToken cancellationToken) =>
        _cursors.ReplaceOneAsync(c => c.SessionId == cursor.SessionId && c.TranscriptPath == cursor.TranscriptPath,
            cursor, new ReplaceOptions { IsUpsert = true }, cancellationToken);
}
