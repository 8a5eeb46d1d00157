namespace SessionManagement.Hosting.Options;

public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>The command-line switch (<c>--restore-backups=true</c>) that restores the store from its backups at start.</summary>
    public const string RestoreBackupsSwitch = "restore-backups";

    /// <summary>Whether this start restores the store from its backups (<see cref="RestoreBackupsSwitch"/> given as <c>true</c>).</summary>
    public static bool RestoresBackups(Microsoft.Extensions.Configuration.IConfiguration configuration) =>
        string.Equals(configuration[RestoreBackupsSwitch], "true", StringComparison.OrdinalIgnoreCase);

    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>Where the SQLite file, spool and local state live; from <c>SM_DATA_DIR</c> when not set here.</summary>
    public string DataDirectory { get; set; } = "";

    public string SqliteFileName { get; set; } = "session-management.db";

    /// <summary>Where the saver keeps backups, as files outside the live database; empty means <c>&lt;DataDirectory&gt;/backups</c>.</summary>
    public string BackupDirectory { get; set; } = "";

    /// <summary>Required when <see cref="Provider"/> is MongoDb.</summary>
    public string? MongoDbUri { get; set; }

    public string MongoDbDatabase { get; set; } = "session_management";

    public string SqlitePath => Path.Combine(DataDirectory, SqliteFileName);

    /// <summary>Where backups go: <see cref="BackupDirectory"/>, else <c>&lt;DataDirectory&gt;/backups</c>.</summary>
    public string BackupPath => BackupDirectory is { Length: > 0 } ? BackupDirectory : Path.Combine(DataDirectory, "backups");
}
