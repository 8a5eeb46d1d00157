namespace SessionManagement.Saver.Storage;

/// <summary>The names the saver's content is sealed under at rest (<see cref="Hosting.Security.AtRest"/>), one per kind of record.</summary>
public static class SaverRecords
{
    public const string Event = "saver_events.raw_json";
    public const string Title = "saver_sessions.title";
    public const string Snapshot = "saver_snapshots.body";
    public const string Backup = "backups.body";
}
