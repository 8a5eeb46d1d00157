using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionManagement.Gateway.Options;

namespace SessionManagement.Gateway.Registry;

/// <summary>Counts hooks in memory and adds the counts to the registry store every flush interval, off the hook's path.</summary>
internal sealed class HookRegistryRecorder(
    IHookRegistryStore store,
    IOptions<GatewayOptions> options,
    TimeProvider time,
    ILogger<HookRegistryRecorder> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<(string Host, string Project, string Event), HookRegistryEntry> _deltas = new();

    private readonly SemaphoreSlim _flushing = new(1, 1);

    public void Record(string host, string projectDir, string hookEventName, string bridgeVersion, DateTimeOffset seenAt) =>
        _deltas.AddOrUpdate(
            (host, projectDir, hookEventName),
            _ => new HookRegistryEntry(host, projectDir, hookEventName, 1, seenAt, seenAt, bridgeVersion),
            (_, delta) => Merge(delta, new HookRegistryEntry(host, projectDir, hookEventName, 1, seenAt, seenAt, bridgeVersion)));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.Value.HookRegistryFlushMs), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
                await FlushAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await FlushAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The store was busy past the stop's deadline: the host still stops; only the registry's last counts go.
            logger.LogWarning("The hook registry's counts of {Count} hook kinds were not written before the host stopped", _deltas.Count);
        }
    }

    /// <summary>
    /// Adds the counts so far to the store. One flush at a time: a reader that flushes first (the registry's route) also waits
    /// for counts the timer's flush has taken but not yet written, so it reads every hook counted before it asked.
    /// </summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _flushing.WaitAsync(cancellationToken);
        try
        {
            var taken = new List<HookRegistryEntry>();
            foreach (var key in _deltas.Keys)
            {
                if (_deltas.TryRemove(key, out var delta))
                    taken.Add(delta);
            }
            if (taken.Count == 0)
                return;
            try
            {
                await store.RecordAsync(taken, cancellationToken);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                logger.LogWarning(error, "Updating the hook registry failed; its counts are kept for the next flush");
                foreach (var delta in taken)
                    _deltas.AddOrUpdate((delta.Host, delta.ProjectDir, delta.HookEventName), delta, (_, newer) => Merge(newer, delta));
            }
        }
        finally
        {
            _flushing.Release();
        }
    }

    private static HookRegistryEntry Merge(HookRegistryEntry a, HookRegistryEntry b) => a with
    {
        Count = a.Count + b.Count,
        FirstSeen = a.FirstSeen <= b.FirstSeen ? a.FirstSeen : b.FirstSeen,
        LastSeen = a.LastSeen >= b.LastSeen ? a.LastSeen : b.LastSeen,
        BridgeVersion = a.LastSeen >= b.LastSeen ? a.BridgeVersion : b.BridgeVersion,
    };
}
