using System.ComponentModel.DataAnnotations;

namespace SessionManagement.Notifier.Options;

public sealed class NotifierOptions
{
    public const string Section = "Notifier";

    /// <summary>Where notifications are posted; none by default.</summary>
    public List<WebhookOptions> Webhooks { get; set; } = [];

    /// <summary>Waits between attempts after a failed post: the number of retries is the list's length.</summary>
    public List<int> RetryDelaysMs { get; set; } = [1_000, 5_000, 30_000];

    [Range(100, 120_000)]
    public int TimeoutMs { get; set; } = 5_000;

    /// <summary>Write each notification as one log line.</summary>
    public bool Console { get; set; } = true;
}
