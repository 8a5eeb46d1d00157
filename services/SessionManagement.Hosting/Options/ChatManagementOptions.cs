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

    /// <summary>
    /// Whether the gateway takes the common secret shapes (API keys, tokens, private keys, passwords in URLs and assignments) out of
    /// hooks and transcript lines before anything is kept. <c>&lt;private&gt;</c> spans and <see cref="SecretPatterns"/> are
    /// redacted either way.
    /// </summary>
    [ConfigurationKeyName("redact_secrets")]
    public bool RedactSecrets { get; set; } = true;

    /// <summary>Regular expressions (.NET syntax, matched against each raw JSON line) whose matches the gateway redacts before anything is kept.</summary>
    [ConfigurationKeyName("secret_patterns"), RegularExpressions]
    public List<string> SecretPatterns { get; set; } = [];
}

/// <summary>Every entry is a regular expression .NET can compile.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RegularExpressionsAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext context)
    {
        foreach (var (pattern, index) in (value as IEnumerable<string> ?? []).Select((p, i) => (p, i)))
        {
            try
            {
                _ = new System.Text.RegularExpressions.Regex(pattern);
            }
            catch (ArgumentException error)
            {
                return new ValidationResult($"entry {index} is not a regular expression: {error.Message}");
            }
        }
        return ValidationResult.Success;
    }
}
