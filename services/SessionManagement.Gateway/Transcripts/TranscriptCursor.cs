namespace SessionManagement.Gateway.Transcripts;

/// <summary>How far a session's transcript has been shipped and acknowledged.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="TranscriptPath">The file, as validated.</param>
/// <param name="Offset">Bytes shipped and acknowledged: everything before this offset is on the bus.</param>
/// <param name="Fingerprint">A hash of the file's first bytes, to notice a file replaced under the same name.</param>
/// <param name="UpdatedAt">When it last moved.</param>
public sealed record TranscriptCursor(string SessionId, string TranscriptPath, long Offset, string Fingerprint, DateTimeOffset UpdatedAt)
{
    /// <summary>
    /// What is added to an offset in this file to give the line's offset in the store: 0, unless the file was written by
    /// <c>smctl restore --to-project</c> (<see cref="TranscriptShipper.PlaceAsync"/>). Its paths rewritten, the held lines lie at other
    /// offsets there, and the lines Claude Code adds after them follow the held file in the store.
    /// </summary>
    public long Shift { get; init; }
}
