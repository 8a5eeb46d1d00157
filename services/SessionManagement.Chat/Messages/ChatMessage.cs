using SessionManagement.Contracts.Chat;

namespace SessionManagement.Chat.Messages;

/// <summary>
/// One message or transcript record of a session. <see cref="Key"/> is its identity within the session
/// (<c>u:</c> transcript uuid, <c>e:</c> hook event id, or <c>l:</c> line offset and hash for records without
/// a uuid; SQLite tells records with a uuid apart by it and their line's own time, see <see cref="Undated"/>);
/// <see cref="MatchHash"/> lets a prompt or reply captured by a hook and the same one read from the transcript within
/// <see cref="MessageText.TwinWindow"/> of it become one message. A record read from a transcript batch names its raw line in that batch's block
/// (<see cref="Line"/>); its <see cref="Raw"/> text is made from there only when asked for.
/// </summary>
public sealed record ChatMessage(
    string SessionId,
    string Key,
    MessageKind Kind,
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
    IReadOnlyList<ToolCallView> Tools,
    TokenUsageView? Usage,
    string? Model,
    MessageSources Sources,
    string? Problem,
    string Raw,
    TranscriptLine? Line = null)
{
    /// <summary>
    /// A transcript record whose line has no timestamp of its own: <see cref="Timestamp"/> is the one before it (or the capture's),
    /// so it is not part of the record's identity.
    /// </summary>
    public bool Undated { get; init; }

    /// <summary>
    /// The API response an assistant line belongs to, <c>message.id:requestId</c> (null when the line lacks either): Claude Code
    /// writes one response as several lines, one per content block, each repeating the response's usage, which counts once.
    /// </summary>
    public string? ResponseKey { get; init; }

    /// <summary>The git branch the line names (<c>gitBranch</c>), when it names one.</summary>
    public string? GitBranch { get; init; }

    /// <summary>
    /// The session whose API request wrote this reply (<c>requestSessionId</c>, Claude Code 2.1.332): another session's on the replies
    /// a fork (<c>--fork-session</c>) copied from the session it came from.
    /// </summary>
    public string? RequestSessionId { get; init; }

    /// <summary>
    /// This transcript line under a key of its own, <c>u:</c> uuid <c>@</c> byte offset: another line of the session has its uuid
    /// (Claude Code writes a record again with other content), and the file keeps both.
    /// </summary>
    public ChatMessage AtItsOffset() => this with { Key = $"{Key}@{Sequence}", RepeatsUuid = true };

    /// <summary>Whether this is a line kept under its offset (<see cref="AtItsOffset"/>).</summary>
    public bool RepeatsUuid { get; private init; }

    /// <summary>
    /// Which of the session's transcript files the line is from: empty for the session's own, else a subagent's
    /// (<c>subagents/agent-&lt;id&gt;.jsonl</c>, <see cref="SessionManagement.Contracts.Gateway.TranscriptFiles"/>). Byte offsets count
    /// within it.
    /// </summary>
    public string File { get; init; } = "";

    /// <summary>This line as one of <paramref name="file"/>'s: its key names the file, so the same offset in two files is two lines.</summary>
    public ChatMessage InFile(string file) => file.Length == 0 ? this : this with { File = file, Key = $"f:{file}|{Key}" };

    /// <summary>The raw JSON: the hook's input, or the transcript line.</summary>
    public string Raw { get => field ??= Line?.Text ?? ""; init; } = Raw;
}
