namespace SessionManagement.Contracts.Chat;

/// <summary>What <see cref="RestoreTranscriptBackups"/> put back.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="Files">Transcript files put back (the session's own and its subagents').</param>
/// <param name="Lines">Their lines.</param>
/// <param name="Held">Files left as they were: chat holds them already, or their backup is damaged.</param>
public record TranscriptBackupsRestored(string SessionId, int Files, long Lines, int Held);
