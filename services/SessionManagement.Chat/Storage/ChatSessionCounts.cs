namespace SessionManagement.Chat.Storage;

/// <summary>Per session: stored messages and records, conversation messages, and lines with a problem.</summary>
internal sealed record ChatSessionCounts(string Id, long MessageCount, long ConversationCount, long InvalidLines);
