using SessionManagement.Saver.Sessions;

namespace SessionManagement.Saver.Backups;

/// <summary>A session as it was at one moment: its state and every raw event, restorable exactly.</summary>
public sealed record SessionBackup(SessionState State, IReadOnlyList<StoredEvent> Events);
