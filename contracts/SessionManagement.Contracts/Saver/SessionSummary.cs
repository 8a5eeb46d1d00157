namespace SessionManagement.Contracts.Saver;

/// <summary>A session's state as the saver keeps it (checked against its checksum, recovered or migrated if it had to be).</summary>
/// <param name="SessionId">The session.</param>
/// <param name="ProjectDir">Its project (its first working directory).</param>
/// <param name="Cwd">Its latest working directory.</param>
/// <param name="Model">The model it started with.</param>
/// <param name="Source">Its latest SessionStart's <c>source</c>.</param>
/// <param name="ParentSessionId">The session it continues (resume, fork, clear, compact), if any.</param>
/// <param name="Status"><c>Active</c> or <c>Ended</c>.</param>
/// <param name="StartedAt">Its first event.</param>
/// <param name="LastEventAt">Its latest event.</param>
/// <param name="EndedAt">When it ended, if it has.</param>
/// <param name="EndReason">SessionEnd's <c>reason</c>.</param>
/// <param name="EventCount">Hook events stored.</param>
/// <param name="Prompts">Prompts submitted.</param>
/// <param name="ToolCalls">Tool calls started.</param>
/// <param name="ToolFailures">Tool calls that failed.</param>
/// <param name="Compactions">Compactions.</param>
/// <param name="Version">Increases by one per save.</param>
/// <param name="SchemaVersion">The stored document's schema version.</param>
/// <param name="Checksum">The stored checksum.</param>
/// <param name="Subagents">Subagent runs that finished (schema 2).</param>
/// <param name="Notifications">Notifications Claude Code raised, such as permission prompts (schema 2).</param>
/// <param name="GitBranch">The git branch its latest event was captured on (schema 3).</param>
/// <param name="Title">The title its transcript gives it: the name the user gave it (<c>/rename</c>), else Claude Code's summary of it (schema 4).</param>
public record SessionSummary(
    string SessionId,
    string ProjectDir,
    string? Cwd,
    string? Model,
    string? Source,
    string? ParentSessionId,
    string Status,
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
    string? Title = null);
