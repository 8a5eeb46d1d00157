namespace SessionManagement.Gateway.Transcripts;

/// <summary>
/// What an import stored: the chat module's own counts, summed over the import's batches; <see cref="File"/> the subagent transcript
/// of the session it was imported as, if it was one. <see cref="Bytes"/> is where its last line ends in the store, and
/// <see cref="Shift"/> what was added to the file's offsets to place its lines there (a copy taken on after the held lines).
/// </summary>
public sealed record ImportResult(string SessionId, string Name, long Bytes, int Lines, int Batches, int Added, int Merged, int InvalidLines,
    string? File = null, long Shift = 0)
{
    /// <summary>The session had been deleted for good, and this import (asked to undelete) took it in again.</summary>
    public bool Undeleted { get; init; }
}
