namespace SessionManagement.Context.Items;

/// <summary>One stored context item; <see cref="Checksum"/> covers every other field, so a damaged item is never handed out.</summary>
public sealed record ContextItem(
    string ItemId,
    string Type,
    string Scope,
    string? SessionId,
    string? ProjectDir,
    string? User,
    string? Team,
    bool Private,
    int Priority,
    string? SourceSessionId,
    string Content,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? ExpiresAt,
    long Version,
    int SchemaVersion,
    string Checksum)
{
    public const int CurrentSchemaVersion = 1;

    [System.Text.Json.Serialization.JsonIgnore]
    public long Size => System.Text.Encoding.UTF8.GetByteCount(Content);
}
