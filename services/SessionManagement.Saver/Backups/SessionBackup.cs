using SessionManagement.Saver.Sessions;

namespace SessionManagement.Saver.Backups;

/// <summary>A session as it was at one moment: its state and every raw event, restorable exactly.</summary>
/// <param name="ImportedBy">Who imported it, when no hook says whose it is (<c>ISessionStore.OwnerAsync</c>); null in backups written before.</param>
public sealed record SessionBackup(SessionState State, IReadOnlyList<StoredEvent> Events, string? ImportedBy = null);
