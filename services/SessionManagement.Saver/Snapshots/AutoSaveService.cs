using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionManagement.Hosting.Options;
using SessionManagement.Saver.Storage;

namespace SessionManagement.Saver.Snapshots;

/// <summary>
/// The seed's scheduled auto-save: every <c>persistence.save_interval</c> seconds, a snapshot of each session
/// whose state changed since its last one. Off when <c>persistence.auto_save</c> is false. A failed run is
/// logged and the next one tries again; the service never stops over it.
/// </summary>
public sealed class AutoSaveService(ISessionStore store, IOptions<PersistenceOptions> persistence, TimeProvider time, ILogger<AutoSaveService> logger)
    : BackgroundService
{
    // Made with the service, not when ExecuteAsync gets round to running: the schedule starts at start-up.
    private readonly PeriodicTimer _timer = new(TimeSpan.FromSeconds(persistence.Value.SaveInterval), time);

    public override void Dispose()
    {
        _timer.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!persistence.Value.AutoSave)
        {
            logger.LogInformation("Auto-save is off (session_management.persistence.auto_save = false): sessions are saved per event only");
            return;
        }
        try
        {
            while (await _timer.WaitForNextTickAsync(stoppingToken))
                await RunOnceAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var written = await store.SnapshotAsync(null, time.GetUtcNow(), cancellationToken);
            if (written > 0)
                logger.LogDebug("Auto-save wrote {Count} session snapshots", written);
            return written;
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(error, "Auto-save failed; the next run in {Interval} s tries again", persistence.Value.SaveInterval);
            return 0;
        }
    }
}
