using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionManagement.Notifier.Options;

namespace SessionManagement.Notifier.Delivery;

/// <summary>
/// Shows notifications on the desktop (<c>Notifier:Desktop</c>) by running <c>notify-send</c> (or the configured command)
/// with a title and the summary. By default only what is worth interrupting for: failures, damage and recoveries.
/// A missing command is logged once and the notifier carries on.
/// </summary>
public sealed class DesktopNotifier(IOptions<NotifierOptions> options, ILogger<DesktopNotifier> logger)
{
    private static readonly string[] WorthInterrupting = ["BackupFailed", "SessionCorrupted", "SessionRecovered", "HealthChanged"];
    private int _missingLogged;

    public async Task ShowAsync(Notification notification, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var wanted = o.DesktopEvents.Count > 0 ? o.DesktopEvents : [.. WorthInterrupting];
        if (!o.Desktop || !wanted.Contains(notification.Type, StringComparer.OrdinalIgnoreCase))
            return;
        var start = new ProcessStartInfo(o.DesktopCommand) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add($"Session management: {notification.Type}");
        start.ArgumentList.Add(notification.Summary);
        try
        {
            using var process = Process.Start(start)!;
            using var within = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            within.CancelAfter(TimeSpan.FromSeconds(2));
            await process.WaitForExitAsync(within.Token);
        }
        catch (System.ComponentModel.Win32Exception error)
        {
            if (Interlocked.Exchange(ref _missingLogged, 1) == 0)
                logger.LogWarning("Desktop notifications are on but {Command} cannot run ({Problem}); notifications still reach the log and webhooks",
                    o.DesktopCommand, error.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogDebug("The desktop notifier took over 2 s; left running");
        }
    }
}
