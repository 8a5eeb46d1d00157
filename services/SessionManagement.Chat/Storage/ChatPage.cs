using SessionManagement.Chat.Messages;

namespace SessionManagement.Chat.Storage;

public sealed record ChatPage(long Total, long InvalidLines, IReadOnlyList<ChatMessage> Messages);
