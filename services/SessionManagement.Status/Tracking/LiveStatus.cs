namespace SessionManagement.Status.Tracking;

/// <summary>What the status module keeps of one session.</summary>
public sealed record LiveStatus(
    string SessionId,
    string? ProjectDir,
    string? User,
    string? Model,
    DateTimeOffset StartedAt,
    DateTimeOffset LastActivityAt,
    DateTimeOffset? EndedAt,
    long Prompts,
    long ToolCalls,
    long Errors,
    long InputTokens,
    long OutputTokens,
    decimal CostUsd,
    DateTimeOffset? LastSavedAt,
    DateTimeOffset? LastBackupAt,
    bool BackupFailed,
    bool Corrupted,
    long EventsSaved = 0,
    long UnpricedTokens = 0)
{
    /// <summary>A session nothing has been seen of yet: its first event sets its times.</summary>
    public static LiveStatus Unseen(string sessionId) =>
        new(sessionId, null, null, null, DateTimeOffset.MaxValue, DateTimeOffset.MinValue, null, 0, 0, 0, 0, 0, 0, null, null, false, false);

    /// <summary>A status first made by an event that is not activity (a save, a backup) starts at that event's time.</summary>
    public LiveStatus Known(DateTimeOffset at) => StartedAt == DateTimeOffset.MaxValue ? Touched(at) : this;

    public LiveStatus Touched(DateTimeOffset at) => this with
    {
        StartedAt = at < StartedAt ? at : StartedAt,
        LastActivityAt = at > LastActivityAt ? at : LastActivityAt,
    };
}
