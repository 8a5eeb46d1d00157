using System.ComponentModel.DataAnnotations;

namespace SessionManagement.Notifier.Options;

public sealed class WebhookOptions
{
    [Required, Url]
    public string Url { get; set; } = "";

    /// <summary>Signs each body: <c>X-SM-Signature: sha256=&lt;hex HMAC-SHA256(secret, body)&gt;</c>. Required.</summary>
    [Required, MinLength(16)]
    public string Secret { get; set; } = "";

    /// <summary>Event names to forward (<c>SessionEnded</c>, <c>BackupFailed</c>, …); empty forwards all.</summary>
    public List<string> Events { get; set; } = [];
}
