using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace SessionManagement.Hosting.Options;

public sealed class PerformanceOptions
{
    /// <summary>How long the gateway waits for the SessionStart context before answering without it.</summary>
    [ConfigurationKeyName("load_deadline_ms"), Range(10, 60_000)]
    public int LoadDeadlineMs { get; set; } = 1_000;

    /// <summary>Recent sessions whose context is rendered ahead of their next start.</summary>
    [ConfigurationKeyName("preload_recent"), Range(0, 1_000)]
    public int PreloadRecent { get; set; } = 5;

    [ConfigurationKeyName("cache_size_mb"), Range(0, 4_096)]
    public int CacheSizeMb { get; set; } = 64;

    /// <summary>Writes grouped into one store transaction.</summary>
    [ConfigurationKeyName("batch_size"), Range(1, 10_000)]
    public int BatchSize { get; set; } = 256;
}
