namespace SessionManagement.Contracts.Chat;

/// <summary>Asks the chat module for one page of a session's history, in conversation order. Answered with <see cref="MessagesPage"/>.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="Skip">Messages to skip from the start.</param>
/// <param name="Limit">The most messages to return (the chat module caps it).</param>
/// <param name="IncludeRecords">Also return transcript records that are not conversation (attachments, bookkeeping) and lines that could not be read.</param>
/// <param name="IncludeRaw">Return each message's raw hook JSON or transcript line (for lossless export).</param>
/// <param name="Latest">Return the last <paramref name="Limit"/> messages (still in order) instead of skipping from the start.</param>
/// <param name="Role">With <paramref name="Latest"/>: only the last messages of this role (<c>user</c> for the latest prompts, however many tool calls came after them).</param>
public record GetMessages(
    string SessionId,
    int Skip,
    int Limit,
    bool IncludeRecords,
    bool IncludeRaw,
    bool Latest = false,
    string? Role = null);
