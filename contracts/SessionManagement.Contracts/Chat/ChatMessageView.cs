namespace SessionManagement.Contracts.Chat;

/// <summary>One message or transcript record as the chat module keeps it.</summary>
/// <param name="Key">The message's identity within its session.</param>
/// <param name="Kind"><c>message</c> (conversation), <c>record</c> (other transcript records) or <c>invalid</c> (a line that could not be read).</param>
/// <param name="RecordType">The transcript record's <c>type</c>, or the hook event name for messages captured from hooks.</param>
/// <param name="Role"><c>user</c>, <c>assistant</c>, <c>tool</c>, <c>system</c> or <c>summary</c>; null for records.</param>
/// <param name="Uuid">The transcript record's <c>uuid</c>, when known.</param>
/// <param name="ParentUuid">The transcript record's <c>parentUuid</c>, when known.</param>
/// <param name="EventId">The hook event the message was captured from, when it was.</param>
/// <param name="Timestamp">When the message was written (the record's timestamp, else when it was captured).</param>
/// <param name="Text">The readable text drawn from the content blocks.</param>
/// <param name="Tools">Tool uses and tool results the message carries.</param>
/// <param name="Usage">Token usage reported on assistant records.</param>
/// <param name="Model">The model that wrote an assistant record.</param>
/// <param name="Sources">Where the message was seen: <c>hook</c>, <c>transcript</c>, or both.</param>
/// <param name="Problem">Why a line could not be read, for <c>invalid</c> lines.</param>
/// <param name="Raw">The raw hook JSON or transcript line, when asked for.</param>
/// <param name="File">The session's transcript file the line is from when it is a subagent's (<c>subagents/agent-&lt;id&gt;.jsonl</c>); null for its own.</param>
public record ChatMessageView(
    string Key,
    string Kind,
    string RecordType,
    string? Role,
    string? Uuid,
    string? ParentUuid,
    Guid? EventId,
    DateTimeOffset Timestamp,
    string Text,
    IReadOnlyList<ToolCallView> Tools,
    TokenUsageView? Usage,
    string? Model,
    IReadOnlyList<string> Sources,
    string? Problem,
    string? Raw,
    string? File = null);
