namespace SessionManagement.Saver.Storage;

/// <summary>How a stored event looks in MongoDB: the raw JSON as (possibly compressed) bytes.</summary>
internal sealed record SaverEventDocument(
    Guid Id,
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
    byte[] Raw,
    string RawEncoding,
    string? GitBranch = null);
