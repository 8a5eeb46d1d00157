namespace SessionManagement.Contracts.Saver;

/// <summary>A session's state as the saver keeps it.</summary>
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
    string Checksum);
