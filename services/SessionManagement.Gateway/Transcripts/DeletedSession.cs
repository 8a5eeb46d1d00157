namespace SessionManagement.Gateway.Transcripts;

/// <summary>
/// A session deleted for good: the gateway takes none of its transcripts in again — not an import, not a pass of the reconciler,
/// not a file the poller meets without a cursor — until an admin imports it with <c>undelete</c>. What Claude Code adds to it later
/// (the session resumed) is new, and is taken in.
/// </summary>
/// <param name="SessionId">The session.</param>
/// <param name="DeletedAt">When it was deleted.</param>
/// <param name="By">Who asked.</param>
public sealed record DeletedSession(string SessionId, DateTimeOffset DeletedAt, string By);
