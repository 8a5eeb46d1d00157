namespace SessionManagement.Contracts.Chat;

/// <summary>
/// The chat module's answer when a <c>TranscriptLinesCaptured</c> batch was sent as a request (an import
/// paces itself on these): the batch is stored durably.
/// </summary>
/// <param name="BatchId">The batch stored.</param>
/// <param name="SessionId">Its session.</param>
/// <param name="Added">Records stored for the first time.</param>
/// <param name="Merged">Records that joined a message already stored.</param>
/// <param name="InvalidLines">Lines kept raw because they could not be read as records.</param>
public record TranscriptLinesStored(
    Guid BatchId,
    string SessionId,
    int Added,
    int Merged,
    int InvalidLines);
