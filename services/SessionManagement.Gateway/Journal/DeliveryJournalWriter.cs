using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SessionManagement.Gateway.Journal;

/// <summary>
/// Journals published hooks in batches off the hook's path, so answering Claude Code never waits on
/// the store. Ids still waiting are visible through <see cref="IsPending"/>, so a replay from the
/// spool can tell they were delivered before they reach the store.
/// </summary>
internal sealed class DeliveryJournalWriter(IDeliveryJournal journal, ILogger<DeliveryJournalWriter> logger) : BackgroundService
{
    private const int MaxBatch = 512;
    private readonly Channel<DeliveryRecord> _queue = Channel.CreateUnbounded<DeliveryRecord>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<Guid, byte> _pending = new();

    public void Enqueue(DeliveryRecord record)
    {
        _pending.TryAdd(record.EventId, 0);
        _queue.Writer.TryWrite(record);
    }

    public bool IsPending(Guid eventId) => _pending.ContainsKey(eventId);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
                await FlushAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        _queue.Writer.TryComplete();
        try
        {
            await FlushAsync(cancellationToken); // what was accepted before the stop is journaled before the store closes
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The hooks themselves are kept; without their journal lines a spooled copy replayed later is stored once all the same.
            logger.LogWarning("{Count} delivered hooks were not journaled before the host stopped: a replay of their spooled copies is recognised by the store",
                _pending.Count);
        }
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        var batch = new List<DeliveryRecord>(MaxBatch);
        while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var record))
            batch.Add(record);
        while (batch.Count > 0)
        {
            try
            {
                await journal.AppendAsync(batch, cancellationToken);
                foreach (var record in batch)
                    _pending.TryRemove(record.EventId, out _);
                batch.Clear();
                while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var next))
                    batch.Add(next);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                // The events themselves are on the bus; only their journal lines wait. Keep them and retry.
                logger.LogWarning(error, "Journaling {Count} delivered hooks failed; retrying", batch.Count);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }
}
