namespace SessionManagement.Chat.Messages;

/// <summary>Where a message was seen; a prompt seen by its hook and later in the transcript has both.</summary>
[Flags]
public enum MessageSources
{
    None = 0,
    Hook = 1,
    Transcript = 2,
}
