namespace SessionManagement.Context.Storage;

/// <summary>A context item as MongoDB keeps it: the content compressed (when it pays) as bytes.</summary>
internal sealed record ContextItemDocument(
    string Id,
    string Type,
    string Scope,
    string? SessionId,
    string? ProjectDir,
    string? User,
    string? Team,
    bool Private,
    int Priority,
    string? SourceSessionId,
    byte[] Content,
    string Encoding,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? ExpiresAt,
    long Version,
    int SchemaVersion,
    string Checksum);
