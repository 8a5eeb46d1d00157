namespace SessionManagement.Saver.Sessions;

/// <summary>One captured hook as the saver stores it: the envelope, the few fields state is derived from, and the raw JSON.</summary>
public sealed record StoredEvent(
    Guid EventId,
    string SessionId,
    string HookEventName,
    DateTimeOffset ReceivedAt,
    long CaptureSequence,
    string Host,
    string User,
    string? Cwd,
    string? Model,
    string? Source,
    string? Reason,
    string RawJson,
    string? GitBranch = null);
