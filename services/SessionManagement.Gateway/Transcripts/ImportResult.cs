namespace SessionManagement.Gateway.Transcripts;

/// <summary>
/// What an import stored: the chat module's own counts, summed over the import's batches; <see cref="File"/> the subagent transcript
/// of the session it was imported as, if it was one.
/// </summary>
public sealed record ImportResult(string SessionId, string Name, long Bytes, int Lines, int Batches, int Added, int Merged, int InvalidLines,
    string? File = null);
