namespace SessionManagement.Contracts.Chat;

/// <summary>
/// The token usage of the transcript records a chat write stored for the first time (added, or joined to their hook's message):
/// each record's usage is reported once, however often its line is shipped. Published with the write's
/// <see cref="MessagesAppended"/> when the write stored any usage; the status module counts it.
/// </summary>
/// <param name="SessionId">The session the records belong to.</param>
/// <param name="RecordedAt">When the write completed.</param>
/// <param name="Usage">Each record's model, time and token counts, in the order of their lines.</param>
/// <param name="File">The transcript file the records came from when it is not the session's own (a subagent's).</param>
/// <param name="Cwd">The working directory of the write's first record that names one: the session's project when no hook has said
/// it yet (an import, or lines the hooks missed), so the usage is counted under it.</param>
/// <param name="User">Who the lines were captured or imported for (<see cref="Gateway.TranscriptLinesCaptured.User"/>), for the same.</param>
/// <param name="UsageId">Names this report, the same however often it is delivered (a UUIDv7, whose time the status module forgets it by):
/// it is counted once. Empty from a chat module of an older version, counted each time it comes.</param>
public record UsageRecorded(string SessionId, DateTimeOffset RecordedAt, IReadOnlyList<RecordedUsage> Usage, string? File = null, string? Cwd = null,
    string? User = null, Guid UsageId = default);
