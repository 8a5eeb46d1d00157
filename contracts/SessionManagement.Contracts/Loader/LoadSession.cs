namespace SessionManagement.Contracts.Loader;

/// <summary>
/// The gateway asks for the context to hand back to Claude Code at SessionStart. Sent as a request;
/// answered with <see cref="SessionLoaded"/>.
/// </summary>
/// <param name="RequestId">Unique per request.</param>
/// <param name="SessionId">The session starting.</param>
/// <param name="Source">SessionStart's <c>source</c>: <c>startup</c>, <c>resume</c>, <c>clear</c>, <c>compact</c>, <c>fork</c>.</param>
/// <param name="Cwd">The session's working directory (identifies the project).</param>
/// <param name="MaxCharacters">The most characters the rendered context may have (Claude Code caps hook output at 10,000).</param>
/// <param name="Deadline">When the gateway stops waiting; parts not ready by then are left out.</param>
/// <param name="User">The operating-system user starting the session (for user-scoped context); null when unknown.</param>
/// <param name="WarmUp">
/// Asked by a gateway as it starts, for no session, so that a user's first SessionStart does not pay for the first use of every
/// path it takes: the answer is rendered as any other but neither kept in the loader's cache nor counted as a context served.
/// </param>
public record LoadSession(
    Guid RequestId,
    string SessionId,
    string Source,
    string? Cwd,
    int MaxCharacters,
    DateTimeOffset Deadline,
    string? User = null,
    bool WarmUp = false);
