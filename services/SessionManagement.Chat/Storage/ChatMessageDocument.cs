namespace SessionManagement.Chat.Storage;

/// <summary>
/// A message as MongoDB keeps it: <see cref="Id"/> is the session and the message key, tools and usage are JSON text, the raw line
/// compressed bytes; <see cref="File"/> the session's transcript file its line is from (empty for its own; none on documents stored
/// before subagent transcripts were kept); <see cref="ToolText"/> what its tool calls add to search (<see cref="MessageColumns.ToolText"/>).
/// With encryption at rest on, text, tool calls and raw line are sealed, and <see cref="SearchTokens"/> holds its words' keyed tokens.
/// <see cref="GitBranch"/> is the branch its line names (none on documents stored before lines kept theirs).
/// </summary>
internal sealed record ChatMessageDocument(
    string Id,
    string SessionId,
    string Key,
    string Kind,
    string RecordType,
    string? Role,
    string? Uuid,
    string? ParentUuid,
    Guid? EventId,
    DateTimeOffset Timestamp,
    long Sequence,
    string? ProjectDir,
    string Text,
    string? MatchHash,
    string? Tools,
    string? Usage,
    string? Model,
    int Sources,
    string? Problem,
    byte[] Raw,
    string RawEncoding,
    string File = "",
    string? ToolText = null,
    string[]? SearchTokens = null,
    string? GitBranch = null);
