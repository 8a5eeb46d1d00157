using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace SessionManagement.Hosting.Options;

public sealed class ChatManagementOptions
{
    /// <summary>Messages kept per session; older ones are trimmed by cleanup.</summary>
    [ConfigurationKeyName("history_retention"), Range(1, 10_000_000)]
    public int HistoryRetention { get; set; } = 100_000;

    [ConfigurationKeyName("message_compression")]
    public bool MessageCompression { get; set; } = true;

    /// <summary>Regular expressions whose matches are redacted before persistence.</summary>
    [ConfigurationKeyName("secret_patterns")]
    public List<string> SecretPatterns { get; set; } = [];
}
