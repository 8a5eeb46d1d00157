namespace SessionManagement.Chat.Storage;

/// <summary>
/// Per session: stored messages and records, conversation messages, and lines with a problem. <see cref="BranchesKept"/>: every line of
/// the session was stored with its git branch (false on the counts of sessions stored before lines kept theirs).
/// </summary>
internal sealed record ChatSessionCounts(string Id, long MessageCount, long ConversationCount, long InvalidLines, bool BranchesKept = false);
