namespace SessionManagement.Contracts.Saver;

/// <summary>A session was seen for the first time (or started again from a resume, fork or clear).</summary>
/// <param name="SessionId">Claude Code's session id.</param>
/// <param name="EventId">The captured hook event that started it.</param>
/// <param name="Source">SessionStart's <c>source</c>: <c>startup</c>, <c>resume</c>, <c>clear</c>, <c>compact</c>, <c>fork</c>, or empty.</param>
/// <param name="Cwd">The working directory the session started in.</param>
/// <param name="Model">The model, when the hook named one.</param>
/// <param name="ParentSessionId">The session this one continues (resume, fork, clear), when known.</param>
/// <param name="StartedAt">When the session started.</param>
public record SessionStarted(
    string SessionId,
    Guid EventId,
    string Source,
    string? Cwd,
    string? Model,
    string? ParentSessionId,
    DateTimeOffset StartedAt);
