namespace SessionManagement.Contracts.Saver;

/// <summary>Asks for a session's backups, newest first. Answered with <see cref="BackupsListed"/>.</summary>
public record ListBackups(string SessionId);
