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

    /// <summary>Show each notification on the desktop through <see cref="DesktopCommand"/>.</summary>
    public bool Desktop { get; set; }

    /// <summary>The desktop notifier to run with the title and the text as its two arguments.</summary>
    public string DesktopCommand { get; set; } = "notify-send";

    /// <summary>Event names shown on the desktop; empty shows the ones worth interrupting for.</summary>
    public List<string> DesktopEvents { get; set; } = [];
}
