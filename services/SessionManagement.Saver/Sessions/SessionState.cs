namespace SessionManagement.Saver.Sessions;

/// <summary>
/// A session as the saver keeps it: everything here is derived from the session's stored events, so
/// it comes out the same whatever order (and however often) the events arrived.
/// </summary>
public sealed record SessionState(
    string SessionId,
    string ProjectDir,
    string? Cwd,
    string? Model,
    string? Source,
    string? ParentSessionId,
    SessionStatus Status,
    DateTimeOffset StartedAt,
    DateTimeOffset LastEventAt,
    DateTimeOffset? EndedAt,
    string? EndReason,
    long EventCount,
    long Prompts,
    long ToolCalls,
    long ToolFailures,
    long Compactions,
    long Version,
    int SchemaVersion,
    string Checksum)
{
    public const int CurrentSchemaVersion = 1;
}
