using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace SessionManagement.Hosting.Options;

public sealed class SessionStorageOptions
{
    /// <summary>Days after a session ends before cleanup archives (and, if configured, purges) it.</summary>
    [ConfigurationKeyName("cleanup_days"), Range(1, 36_500)]
    public int CleanupDays { get; set; } = 90;

    /// <summary>A session above this stored size is trimmed oldest first.</summary>
    [ConfigurationKeyName("max_size_mb"), Range(1, 1_048_576)]
    public int MaxSizeMb { get; set; } = 512;

    /// <summary>Whether cleanup removes archived sessions or only archives them.</summary>
    [ConfigurationKeyName("purge_after_archive")]
    public bool PurgeAfterArchive { get; set; }

    /// <summary>AES-GCM encryption of message content at rest.</summary>
    [ConfigurationKeyName("encrypt_at_rest")]
    public bool EncryptAtRest { get; set; }
}
