namespace SessionManagement.Contracts.Chat;

/// <summary>One page of a session's history.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="Total">Messages matching the request in the whole session (not just this page).</param>
/// <param name="InvalidLines">Transcript lines of the session that could not be read as records (kept raw).</param>
/// <param name="Messages">The page, in conversation order.</param>
public record MessagesPage(
    string SessionId,
    long Total,
    long InvalidLines,
    IReadOnlyList<ChatMessageView> Messages);
