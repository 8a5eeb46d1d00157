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

    /// <summary>How many spool files are replayed together: made durable in their order, their confirms awaited at once.</summary>
    internal const int ReplayTogether = 128;

    public async Task<SpoolDrainResult> DrainAsync(CancellationToken cancellationToken)
    {
        if (!busStarted.IsReady)
            return new SpoolDrainResult(0, 0, 0, spool.Directory.List().Count, "the bus has not started yet");
        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            int published = 0, duplicates = 0, rejected = 0;
            var files = spool.Directory.List();
            for (var at = 0; at < files.Count; at += ReplayTogether)
            {
                var group = files.Skip(at).Take(ReplayTogether).ToList();
                var (read, damaged) = Read(group);
                rejected += damaged;
                var results = await capture.ReplayAsync(read.Select(r => r.Request).ToList(), cancellationToken);
                string? stopped = null;
                for (var i = 0; i < results.Count; i++)
                {
                    switch (results[i].Outcome)
                    {
                        case CaptureOutcome.Published: published++; break;
                        case CaptureOutcome.Duplicate: duplicates++; break;
                        case CaptureOutcome.Rejected: rejected++; break;
                        case CaptureOutcome.InProgress: // sm-hook drain is delivering this one: it goes on in order, so this pass stops
                            stopped = "sm-hook drain is replaying the spool";
                            continue;
                        default:
                            stopped ??= acceptor.Unavailable ?? "hooks cannot be kept right now";
                            continue;
                    }
                    // Durable (or journaled) once here: a hook replayed with the ones behind it is kept even when one before it was not.
                    SpoolDirectory.Delete(read[i].File);
                }
                if (stopped is not null || results.Count < read.Count)
                    return new SpoolDrainResult(published, duplicates, rejected, spool.Directory.List().Count,
                        stopped ?? "sm-hook drain is replaying the spool");
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

    /// <summary>The files' records, in order; a file that cannot be read is moved aside (and counted), one gone meanwhile skipped.</summary>
    private (List<(string File, CaptureRequest Request)> Read, int Damaged) Read(IReadOnlyList<string> files)
    {
        var read = new List<(string, CaptureRequest)>(files.Count);
        var damaged = 0;
        foreach (var file in files)
        {
            SpoolRecord record;
            try
            {
                record = SpoolDirectory.Read(file);
            }
            catch (FileNotFoundException)
            {
                continue; // sm-hook drain took it meanwhile
            }
            catch (Exception error)
            {
                var aside = file + ".damaged";
                File.Move(file, aside, overwrite: true);
                logger.LogError("Spool file {File} cannot be read ({Problem}); kept as {Damaged} for inspection", SpoolDirectory.Describe(file),
                    error.Message, aside);
                damaged++;
                continue;
            }
            read.Add((file, new CaptureRequest(record.Payload, CaptureChannel.Spool, record.EventId, record.ReceivedAt, record.Host,
                record.User, record.ProjectDir, record.BridgeVersion)));
        }
        return (read, damaged);
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
