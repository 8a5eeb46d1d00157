namespace SessionManagement.Chat.Messages;

public enum MessageKind
{
    /// <summary>Conversation: a prompt, a reply, a tool result, a system note or a summary.</summary>
    Message,

    /// <summary>Any other transcript record (attachments, bookkeeping); kept for lossless export, not shown as conversation.</summary>
    Record,

    /// <summary>A transcript line that could not be read as a record; kept raw and counted.</summary>
    Invalid,
}
