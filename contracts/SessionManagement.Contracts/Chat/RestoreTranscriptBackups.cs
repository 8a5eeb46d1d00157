namespace SessionManagement.Contracts.Chat;

/// <summary>
/// Put back a session's transcript files from chat's backups where chat holds nothing of them (a session purged, then restored from
/// its backup). Answered with <see cref="TranscriptBackupsRestored"/>.
/// </summary>
/// <param name="CommandId">Unique per request.</param>
/// <param name="SessionId">The session whose transcript backups are restored.</param>
public record RestoreTranscriptBackups(Guid CommandId, string SessionId);
