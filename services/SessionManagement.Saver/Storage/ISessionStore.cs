using SessionManagement.Contracts.Saver;
using SessionManagement.Saver.Sessions;
using SessionManagement.Saver.Snapshots;

namespace SessionManagement.Saver.Storage;

/// <summary>The saver's sessions and their raw events.</summary>
public interface ISessionStore
{
    /// <summary>
    /// Stores the events not stored before (by event id) and re-derives every touched session from all of
    /// its events. Events already stored change nothing; a session none of whose events were new is left as it is.
    /// </summary>
    Task<IReadOnlyList<SaveResult>> SaveAsync(IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken);

    Task<SessionState?> GetAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>Sessions matching the query, most recently active first, with how many match in all.</summary>
    Task<SessionList> ListAsync(SessionQuery query, CancellationToken cancellationToken);

    /// <summary>Keeps <paramref name="sessionId"/> as the session <paramref name="projectDir"/>'s next SessionStart continues from (one per project).</summary>
    Task ChooseAsync(string projectDir, string sessionId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>The session chosen for <paramref name="projectDir"/> and when, if one was.</summary>
    Task<(string SessionId, DateTimeOffset At)?> ChosenAsync(string projectDir, CancellationToken cancellationToken);

    /// <summary>Whose a session is: the user its first hook came from, else who imported it (null when neither is known).</summary>
    Task<string?> OwnerAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>Keeps audit entries, each once by its id.</summary>
    Task RecordAuditAsync(IReadOnlyList<AuditRecorded> entries, CancellationToken cancellationToken);

    /// <summary>Audit entries, newest first.</summary>
    Task<IReadOnlyList<AuditRecorded>> ListAuditAsync(ListAudit query, CancellationToken cancellationToken);

    /// <summary>A session's raw events in capture order (receive time, then capture sequence).</summary>
    Task<IReadOnlyList<StoredEvent>> EventsAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>
    /// A page of a session's events of the given hook names (all when none), in capture order, and how many there are in all: a
    /// session's timeline, read through the index on (session, event name) rather than every event of a long session.
    /// </summary>
    Task<(long Total, IReadOnlyList<StoredEvent> Events)> EventsAsync(string sessionId, IReadOnlyCollection<string> names, int skip, int limit,
        CancellationToken cancellationToken);

    /// <summary>
    /// Writes a snapshot of each session whose state changed since its last snapshot (of <paramref name="sessionIds"/>
    /// only, when given) and returns how many were written. A session whose snapshot is current is left alone.
    /// </summary>
    Task<int> SnapshotAsync(IReadOnlyCollection<string>? sessionIds, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>A session's latest snapshot, or null when it has none or it fails its checksum.</summary>
    Task<SessionSnapshot?> GetSnapshotAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>How many raw events the session holds.</summary>
    Task<long> EventCountAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>
    /// Writes <paramref name="state"/> (a restored snapshot, or a state derived again from the events) over whatever is
    /// stored, as <paramref name="version"/>, sealed with the current schema's checksum; returns what was written.
    /// </summary>
    Task<SessionState> ReplaceAsync(SessionState state, long version, CancellationToken cancellationToken);

    /// <summary>
    /// Keeps the model the session's transcript names (its replies'), for a session whose SessionStart named none (<c>claude -p</c>);
    /// returns the session's new state when that gave it its model, else null.
    /// </summary>
    Task<SessionState?> NoteTranscriptModelAsync(string sessionId, string model, CancellationToken cancellationToken);

    /// <summary>
    /// Keeps the titles a session's transcript gives it (the latest line of each kind, by byte offset) and, for a session the store
    /// holds, the title it shows; returns the state written, or null when there was none to write.
    /// </summary>
    Task<SessionState?> NoteTranscriptTitlesAsync(string sessionId, IReadOnlyList<SessionManagement.Contracts.Chat.TranscriptTitle> titles, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="NoteTranscriptTitlesAsync"/> and <see cref="NoteTranscriptModelAsync"/> for several sessions at once, in one write where the
    /// store has a single writer.
    /// </summary>
    Task NoteTranscriptFactsAsync(IReadOnlyList<TranscriptFacts> facts, CancellationToken cancellationToken);

    /// <summary>
    /// Keeps each session as its imported transcript tells it (<see cref="SessionDerivation.FromTranscript"/>) unless a hook reached it:
    /// checked and written as one, so a hook saved meanwhile is never written over; several transcripts in one write where the store has a
    /// single writer. The states written: none for a session whose hooks tell its story.
    /// </summary>
    Task<IReadOnlyList<SessionState>> AdoptTranscriptsAsync(IReadOnlyList<SessionManagement.Contracts.Chat.TranscriptSummarized> transcripts,
        CancellationToken cancellationToken);

    /// <summary>The session's state derived again from all of its stored events (not written), or null when it has none.</summary>
    Task<SessionState?> DeriveAsync(string sessionId, CancellationToken cancellationToken);
}
