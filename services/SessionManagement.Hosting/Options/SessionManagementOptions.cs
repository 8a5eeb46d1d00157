using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace SessionManagement.Hosting.Options;

/// <summary>The seed's configuration template, bound from the <c>session_management</c> section.</summary>
public sealed class SessionManagementOptions
{
    public const string Section = "session_management";

    [ConfigurationKeyName("persistence")]
    public PersistenceOptions Persistence { get; set; } = new();

    [ConfigurationKeyName("session_storage")]
    public SessionStorageOptions SessionStorage { get; set; } = new();

    [ConfigurationKeyName("context_management")]
    public ContextManagementOptions ContextManagement { get; set; } = new();

    [ConfigurationKeyName("chat_management")]
    public ChatManagementOptions ChatManagement { get; set; } = new();

    [ConfigurationKeyName("recovery")]
    public RecoveryOptions Recovery { get; set; } = new();

    [ConfigurationKeyName("performance")]
    public PerformanceOptions Performance { get; set; } = new();
}
