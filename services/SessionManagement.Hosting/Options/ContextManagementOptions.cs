using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace SessionManagement.Hosting.Options;

public sealed class ContextManagementOptions
{
    /// <summary>Bytes of context kept per scope; pruning drops lowest priority, then oldest.</summary>
    [ConfigurationKeyName("max_context_size"), Range(1_024, 1_073_741_824)]
    public int MaxContextSize { get; set; } = 1_048_576;

    /// <summary>Characters of context handed to Claude Code at SessionStart (Claude Code caps hook output at 10,000).</summary>
    [ConfigurationKeyName("max_injected_chars"), Range(0, 10_000)]
    public int MaxInjectedChars { get; set; } = 10_000;

    [ConfigurationKeyName("share_across_sessions")]
    public bool ShareAcrossSessions { get; set; } = true;
}
