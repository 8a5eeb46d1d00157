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

    /// <summary>
    /// AES-256-GCM encryption of kept content at rest (conversation, raw lines and events, context items, snapshots, backups, the
    /// gateway's logs), under the key of <see cref="KeyFile"/> or <c>SM_ENCRYPTION_KEY</c>; the host does not start without one.
    /// </summary>
    [ConfigurationKeyName("encrypt_at_rest")]
    public bool EncryptAtRest { get; set; }

    /// <summary>
    /// The file holding the keys at rest (<see cref="Security.AtRest"/>): created with a new key when missing and
    /// <see cref="EncryptAtRest"/> is on; <c>smctl keys rotate</c> writes a new key at its top. Keep it out of the data folder's backups.
    /// </summary>
    [ConfigurationKeyName("key_file")]
    public string? KeyFile { get; set; }
}
