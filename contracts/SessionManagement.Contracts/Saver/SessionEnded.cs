namespace SessionManagement.Contracts.Saver;

/// <summary>A session ended and its final save is done.</summary>
/// <param name="SessionId">The session that ended.</param>
/// <param name="Reason">SessionEnd's <c>reason</c>: <c>clear</c>, <c>resume</c>, <c>logout</c>, <c>prompt_input_exit</c>, <c>other</c>.</param>
/// <param name="StartedAt">When the session started.</param>
/// <param name="EndedAt">When it ended.</param>
/// <param name="EventCount">How many hook events it holds.</param>
public record SessionEnded(
    string SessionId,
    string Reason,
    DateTimeOffset StartedAt,
    DateTimeOffset EndedAt,
    long EventCount);
