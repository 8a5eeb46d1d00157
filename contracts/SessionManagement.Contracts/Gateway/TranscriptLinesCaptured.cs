namespace SessionManagement.Contracts.Gateway;

/// <summary>
/// A bounded batch of raw lines read from a session's transcript JSONL file, shipped verbatim because
/// the transcript format changes between Claude Code versions.
/// </summary>
/// <param name="BatchId">Unique per batch; with the offsets it makes re-shipping the same bytes a no-op.</param>
/// <param name="SessionId">The session the transcript belongs to.</param>
/// <param name="TranscriptPath">The transcript file the lines came from.</param>
/// <param name="StartOffset">Byte offset of the first line in the file.</param>
/// <param name="EndOffset">Byte offset just past the last complete line shipped.</param>
/// <param name="Lines">The complete lines, without their line terminators, in file order.</param>
/// <param name="CapturedAt">When the gateway read the lines.</param>
/// <param name="Host">The machine the transcript lives on.</param>
/// <param name="User">The operating-system user who owns the session.</param>
public record TranscriptLinesCaptured(
    Guid BatchId,
    string SessionId,
    string TranscriptPath,
    long StartOffset,
    long EndOffset,
    IReadOnlyList<string> Lines,
    DateTimeOffset CapturedAt,
    string Host,
    string User);
