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
    string Checksum,
    long Subagents = 0,
    long Notifications = 0,
    string? GitBranch = null,
    string? Title = null)
{
    /// <summary>
    /// 2 added <see cref="Subagents"/> and <see cref="Notifications"/>, 3 <see cref="GitBranch"/>, 4 <see cref="Title"/> (each with its place in
    /// the checksum). An older session is migrated when it is loaded: its checksum checked its own version's way, then
    /// its state derived again.
    /// </summary>
    public const int CurrentSchemaVersion = 4;
}
