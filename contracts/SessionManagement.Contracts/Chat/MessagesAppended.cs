namespace SessionManagement.Contracts.Chat;

/// <summary>
/// A session's chat history grew: messages new to the store were written durably. The token usage of the write goes to the one
/// module that counts it, as <see cref="UsageRecorded"/>, so that those that only learn of the write do not read it too.
/// </summary>
/// <param name="SessionId">The session whose history grew.</param>
/// <param name="Added">Messages and records stored for the first time by this write.</param>
/// <param name="Merged">Messages that joined one already stored (a prompt seen by its hook and later in the transcript).</param>
/// <param name="InvalidLines">Transcript lines in this write that could not be read as a record; kept raw.</param>
/// <param name="MessageCount">The session's stored messages and records after the write.</param>
/// <param name="AppendedAt">When the write completed.</param>
/// <param name="Model">
/// The model named by the latest reply this write stored for the first time (Claude Code's own <c>&lt;synthetic&gt;</c> replies
/// aside); none when it stored no reply that names one.
/// </param>
/// <param name="Titles">The titles the transcript lines of this write give the session, the latest of each kind (none when they give none).</param>
/// <param name="File">The transcript file the lines of this write came from when it is not the session's own (a subagent's).</param>
/// <param name="ForkedFrom">
/// The session this one was forked from (<c>--fork-session</c>), as the replies it copied from it name the session that wrote them
/// (<c>requestSessionId</c>); none when this write's lines name no other.
/// </param>
public record MessagesAppended(
    string SessionId,
    int Added,
    int Merged,
    int InvalidLines,
    long MessageCount,
    DateTimeOffset AppendedAt,
    string? Model = null,
    IReadOnlyList<TranscriptTitle>? Titles = null,
    string? File = null,
    string? ForkedFrom = null);
