using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionManagement.Bridge;
using SessionManagement.Gateway.Accept;
using SessionManagement.Gateway.Capture;
using SessionManagement.Gateway.Options;
using SessionManagement.Hosting.Bus;

namespace SessionManagement.Gateway.Spool;

/// <summary>
/// Replays the spool through <see cref="HookCapture"/> in capture order, once the bus runs: at start, every
/// <see cref="GatewayOptions.SpoolDrainSeconds"/>, and every two seconds while hooks cannot be kept (each replay is the probe
/// that finds the broker or store back). A file is deleted only once its event is durable, journaled as already delivered,
/// or rejected and kept in the journal. Stops at the first event that still cannot be kept, so order is kept; a file that
/// cannot be read is moved aside and never blocks the rest.
/// </summary>
internal sealed class SpoolDrainer(
    GatewaySpool spool,
    HookCapture capture,
    IHookAcceptor acceptor,
    BusStarted busStarted,
    IOptions<GatewayOptions> options,
    TimeProvider time,
    ILogger<SpoolDrainer> logger) : BackgroundService
{
    private static readonly TimeSpan ProbeEvery = TimeSpan.FromSeconds(2);
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    public async Task<SpoolDrainResult> DrainAsync(CancellationToken cancellationToken)
    {
        if (!busStarted.IsReady)
            return new SpoolDrainResult(0, 0, 0, spool.Directory.List().Count, "the bus has not started yet");
        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            int published = 0, duplicates = 0, rejected = 0;
            var files = spool.Directory.List();
            for (var i = 0; i < files.Count; i++)
            {
                var outcome = await ReplayAsync(files[i], cancellationToken);
                switch (outcome)
                {
                    case CaptureOutcome.Published: published++; break;
                    case CaptureOutcome.Duplicate: duplicates++; break;
                    case CaptureOutcome.Rejected: rejected++; break;
                    case CaptureOutcome.InProgress: // sm-hook drain is delivering this one: it goes on in order, so this pass stops
                        return new SpoolDrainResult(published, duplicates, rejected, files.Count - i, "sm-hook drain is replaying the spool");
                    default:
                        return new SpoolDrainResult(published, duplicates, rejected, files.Count - i,
                            acceptor.Unavailable ?? "hooks cannot be kept right now");
                }
            }
            if (files.Count > 0)
                logger.LogInformation("Spool drained: {Published} published, {Duplicates} already delivered, {Rejected} rejected",
                    published, duplicates, rejected);
            return new SpoolDrainResult(published, duplicates, rejected, 0, null);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    private async Task<CaptureOutcome> ReplayAsync(string file, CancellationToken cancellationToken)
    {
        SpoolRecord record;
        try
        {
            record = SpoolDirectory.Read(file);
        }
        catch (FileNotFoundException)
        {
            return CaptureOutcome.Duplicate; // sm-hook drain took it meanwhile
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            var damaged = file + ".damaged";
            File.Move(file, damaged, overwrite: true);
            logger.LogError("Spool file {File} cannot be read ({Problem}); kept as {Damaged} for inspection", SpoolDirectory.Describe(file),
                error.Message, damaged);
            return CaptureOutcome.Rejected;
        }

        var result = await capture.CaptureAsync(new CaptureRequest(record.Payload, CaptureChannel.Spool, record.EventId,
            record.ReceivedAt, record.Host, record.User, record.ProjectDir, record.BridgeVersion), cancellationToken);
        if (result.Outcome is CaptureOutcome.Published or CaptureOutcome.Duplicate or CaptureOutcome.Rejected)
            SpoolDirectory.Delete(file);
        return result.Outcome;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = TimeSpan.FromSeconds(options.Value.SpoolDrainSeconds);
        using var timer = new PeriodicTimer(every < ProbeEvery ? every : ProbeEvery, time);
        try
        {
            // Replayed before the bus runs, an event would be handed to a bus that drops it.
            await busStarted.WaitAsync(stoppingToken);
            var last = DateTimeOffset.MinValue;
            do
            {
                var now = time.GetUtcNow();
                if (now - last < (acceptor.Unavailable is null ? every : ProbeEvery))
                    continue;
                last = now;
                try
                {
                    await DrainAsync(stoppingToken);
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    logger.LogWarning(error, "Draining the spool failed; will try again");
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
