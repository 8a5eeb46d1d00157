using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionManagement.Bridge;
using SessionManagement.Gateway.Capture;
using SessionManagement.Gateway.Options;

namespace SessionManagement.Gateway.Spool;

/// <summary>
/// Replays the spool through <see cref="HookCapture"/> in capture order, at start and every
/// <see cref="GatewayOptions.SpoolDrainSeconds"/>; a file is deleted only once its event is published,
/// journaled as already delivered, or rejected and kept in the journal. Stops at the first event the
/// broker still cannot take, so order is kept.
/// </summary>
internal sealed class SpoolDrainer(
    GatewaySpool spool,
    HookCapture capture,
    IOptions<GatewayOptions> options,
    TimeProvider time,
    ILogger<SpoolDrainer> logger) : BackgroundService
{
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    public async Task<SpoolDrainResult> DrainAsync(CancellationToken cancellationToken)
    {
        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            int published = 0, duplicates = 0, rejected = 0, inProgress = 0;
            var files = spool.Directory.List();
            for (var i = 0; i < files.Count; i++)
            {
                var outcome = await ReplayAsync(files[i], cancellationToken);
                switch (outcome)
                {
                    case CaptureOutcome.Published: published++; break;
                    case CaptureOutcome.Duplicate: duplicates++; break;
                    case CaptureOutcome.Rejected: rejected++; break;
                    case CaptureOutcome.InProgress: inProgress++; break; // being delivered by sm-hook drain; its file stays until then
                    default:
                        return new SpoolDrainResult(published, duplicates, rejected, files.Count - i, "the broker is still unavailable");
                }
            }
            if (files.Count > 0)
                logger.LogInformation("Spool drained: {Published} published, {Duplicates} already delivered, {Rejected} rejected",
                    published, duplicates, rejected);
            return new SpoolDrainResult(published, duplicates, rejected, inProgress, inProgress > 0 ? "some are being delivered by another drain" : null);
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
        catch (Exception error) when (error is InvalidDataException or System.Text.Json.JsonException or KeyNotFoundException or FormatException)
        {
            var damaged = file + ".damaged";
            File.Move(file, damaged, overwrite: true);
            logger.LogError(error, "Spool file {File} is damaged; kept as {Damaged} for inspection", SpoolDirectory.Describe(file), damaged);
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
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.SpoolDrainSeconds), time);
        try
        {
            do
            {
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
