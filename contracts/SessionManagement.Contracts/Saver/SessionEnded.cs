namespace SessionManagement.Contracts.Saver;

/// <summary>A session ended and its final save is done.</summary>
/// <param name="SessionId">The session that ended.</param>
/// <param name="Reason">SessionEnd's <c>reason</c>: <c>clear</c>, <c>resume</c>, <c>logout</c>, <c>prompt_input_exit</c>, <c>other</c>.</param>
/// <param name="StartedAt">When the session started.</param>
/// <param name="EndedAt">When it ended.</param>
/// <param name="EventCount">How many hook events it holds.</param>
/// <param name="ProjectDir">The session's project (its first working directory), when known.</param>
/// <param name="User">The operating-system user the session's last event came from, when known.</param>
public record SessionEnded(
    string SessionId,
    string Reason,
    DateTimeOffset StartedAt,
    DateTimeOffset EndedAt,
    long EventCount,
    string? ProjectDir = null,
    string? User = null);
