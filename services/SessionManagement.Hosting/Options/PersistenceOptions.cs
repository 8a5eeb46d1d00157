using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace SessionManagement.Hosting.Options;

public sealed class PersistenceOptions
{
    [ConfigurationKeyName("auto_save")]
    public bool AutoSave { get; set; } = true;

    /// <summary>Seconds between scheduled auto-saves of active sessions.</summary>
    [ConfigurationKeyName("save_interval"), Range(1, 86_400)]
    public int SaveInterval { get; set; } = 30;

    /// <summary>Seconds between backup runs.</summary>
    [ConfigurationKeyName("backup_frequency"), Range(60, 604_800)]
    public int BackupFrequency { get; set; } = 3_600;

    [ConfigurationKeyName("max_backups"), Range(1, 1_000)]
    public int MaxBackups { get; set; } = 10;

    [ConfigurationKeyName("compression")]
    public bool Compression { get; set; } = true;
}
