namespace SessionManagement.Gateway.Transcripts;

/// <summary>Where the gateway stands in each transcript it takes in, and which sessions it takes in no more.</summary>
public interface ITranscriptCursorStore
{
    Task<TranscriptCursor?> GetAsync(string sessionId, string transcriptPath, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces the cursor of (session, path).</summary>
    Task SaveAsync(TranscriptCursor cursor, CancellationToken cancellationToken);

    /// <summary>
    /// Records a session deleted for good. A later deletion (the session resumed, then deleted again) replaces an earlier one; the same
    /// deletion recorded again (by the gateway that answered it and as heard on the bus) keeps whichever says who asked.
    /// </summary>
    Task MarkDeletedAsync(DeletedSession deleted, CancellationToken cancellationToken);

    /// <summary>The session's deletion, or null when it was not deleted (or was undeleted since).</summary>
    Task<DeletedSession?> DeletedAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>Forgets the session's deletion, so its transcripts are taken in again; whether there was one.</summary>
    Task<bool> UndeleteAsync(string sessionId, CancellationToken cancellationToken);
}
