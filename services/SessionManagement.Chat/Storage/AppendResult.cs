using SessionManagement.Chat.Messages;
using SessionManagement.Contracts.Chat;

namespace SessionManagement.Chat.Storage;

/// <summary>What one append did to one session; <see cref="Usage"/> is the token usage of the records it stored for the first time.</summary>
public sealed record AppendResult(string SessionId, int Added, int Merged, int Invalid, long MessageCount, int Trimmed, IReadOnlyList<RecordedUsage> Usage)
{
    /// <summary>The usage a newly stored message reports, if it carries any.</summary>
    public static RecordedUsage? UsageOf(ChatMessage message) =>
        message.Usage is { } tokens ? new RecordedUsage(message.Model, message.Timestamp, tokens) : null;
}
