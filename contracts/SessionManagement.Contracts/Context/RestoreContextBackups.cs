namespace SessionManagement.Contracts.Context;

/// <summary>
/// Put back a session's own context items (scope <c>session</c>) from the context module's backups, if it holds none of them (a
/// session purged, then restored from its backup). Answered with <see cref="ContextBackupsRestored"/>.
/// </summary>
/// <param name="CommandId">Unique per request.</param>
/// <param name="SessionId">The session whose items are restored.</param>
public record RestoreContextBackups(Guid CommandId, string SessionId);
