namespace SessionManagement.Saver.Cleanup;

/// <summary>What cleanup needs of the saver's store: old ended sessions, the archive marks, and removal of a session's live data.</summary>
public interface IArchiveStore
{
    /// <summary>Sessions that ended before <paramref name="cutoff"/> and are not archived yet.</summary>
    Task<IReadOnlyList<string>> EndedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);

    Task MarkArchivedAsync(string sessionId, Guid backupId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Removes the session's state, raw events and snapshot (never its backups); returns the raw bytes freed and events removed.</summary>
    Task<(long Bytes, long Events)> PurgeAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>
    /// Removes everything the saver holds of the session but its backups and the audit trail: state, raw events, snapshot, tallies,
    /// titles, model, importer, import summary, archive mark, and a project's choice of it; what the rows held is overwritten in the
    /// file, not left in free pages. Returns the events removed, or -1 when nothing of the session was held.
    /// </summary>
    Task<long> EraseAsync(string sessionId, CancellationToken cancellationToken);
}
