namespace SessionManagement.Contracts.Context;

/// <summary>What <see cref="RestoreContextBackups"/> put back.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="Items">Context items put back; 0 when the module holds the session's items already or has no backup of them.</param>
public record ContextBackupsRestored(string SessionId, int Items);
