using Microsoft.Extensions.Configuration;

namespace SessionManagement.Hosting.Options;

public sealed class RecoveryOptions
{
    [ConfigurationKeyName("verify_checksums")]
    public bool VerifyChecksums { get; set; } = true;

    [ConfigurationKeyName("auto_restore")]
    public bool AutoRestore { get; set; } = true;

    [ConfigurationKeyName("partial_recovery")]
    public bool PartialRecovery { get; set; } = true;
}
