using SessionManagement.Chat.Messages;
using SessionManagement.Contracts.Chat;

namespace SessionManagement.Chat.Storage;

/// <summary>What one append did to one session; <see cref="Usage"/> is the token usage of the records it stored for the first time.</summary>
public sealed record AppendResult(string SessionId, int Added, int Merged, int Invalid, long MessageCount, int Trimmed, IReadOnlyList<RecordedUsage> Usage)
{
    /// <summary>The usage a newly stored message reports, if it carries any.</summary>
    public static RecordedUsage? UsageOf(ChatMessage message) =>
        message.Usage is { } tokens ? new RecordedUsage(message.Model, message.Timestamp, tokens) : null;

    /// <summary>
    /// A transcript line chat could not read as a record (not JSON, no type), or one over the gateway's line limit that only the
    /// file keeps; a record that reads well but says little (a message without content) is not one.
    /// </summary>
    public static bool IsUnreadLine(ChatMessage message) =>
        message.Kind == MessageKind.Invalid || message.RecordType == TranscriptRecordReader.OversizedLineType;
}
