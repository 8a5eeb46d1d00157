namespace SessionManagement.Contracts.Gateway;

/// <summary>
/// A file of a session's <c>tool-results</c> folder (<see cref="TranscriptFiles.ToolResultsFolder"/>), read whole: the full output of
/// a tool call whose transcript line holds only its first 2 KB and this file's path. Claude Code writes such a file once, before the
/// line that names it, and deletes it with the session's folder after its cleanup period: kept here, the output outlives it. Sent
/// as a request by an import (answered with <c>ToolResultStored</c>), published by the gateway's shipper.
/// </summary>
/// <param name="SessionId">The session the file belongs to.</param>
/// <param name="Name">Its name in the session's <c>tool-results</c> folder (<see cref="TranscriptFiles.IsToolResultName"/>).</param>
/// <param name="SourceSha256">The SHA-256 of the file as it lies on disk, in hex: what a second import compares with to skip it.</param>
/// <param name="Length">How many bytes <paramref name="Content"/> holds once unpacked: the file's, its secrets masked when it is text.</param>
/// <param name="Content">The bytes, packed as <paramref name="ContentEncoding"/> says (<see cref="TranscriptContent"/>).</param>
/// <param name="ContentEncoding"><see cref="TranscriptContent.Brotli"/> or <see cref="TranscriptContent.Plain"/>.</param>
/// <param name="CapturedAt">When the gateway read the file.</param>
/// <param name="Host">The machine the file lives on.</param>
/// <param name="User">The operating-system user who owns the session.</param>
public record ToolResultCaptured(
    string SessionId,
    string Name,
    string SourceSha256,
    long Length,
    byte[] Content,
    string ContentEncoding,
    DateTimeOffset CapturedAt,
    string Host,
    string User);
