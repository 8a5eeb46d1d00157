namespace SessionManagement.Contracts.Saver;

/// <summary>
/// Asks for a session's backups, or with no session every session's, newest first, at most <paramref name="Limit"/> of them (0: all).
/// Answered with <see cref="BackupsListed"/>.
/// </summary>
public record ListBackups(string? SessionId, int Limit = 0);
