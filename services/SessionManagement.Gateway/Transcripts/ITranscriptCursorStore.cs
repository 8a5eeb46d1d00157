namespace SessionManagement.Gateway.Transcripts;

public interface ITranscriptCursorStore
{
    Task<TranscriptCursor?> GetAsync(string sessionId, string transcriptPath, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces the cursor of (session, path).</summary>
    Task SaveAsync(TranscriptCursor cursor, CancellationToken cancellationToken);
}
