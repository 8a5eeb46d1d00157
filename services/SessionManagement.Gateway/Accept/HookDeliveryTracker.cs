using System.Collections.Concurrent;
using System.Threading.Channels;
using MassTransit;
using SessionManagement.Contracts.Gateway;
using SessionManagement.Hosting.Bus;

namespace SessionManagement.Gateway.Accept;

/// <summary>
/// Watches this process's bus for the hook-storing endpoints (<see cref="HookEventEndpoint"/>) finishing each accepted hook.
/// A hook is done once every endpoint meant to store it has consumed it; a consume that failed is reported so the hook can be
/// handed to that endpoint again. Hooks this gateway did not hand over itself are not watched.
/// </summary>
internal sealed class HookDeliveryTracker(IEnumerable<HookEventEndpoint> endpoints) : IConsumeObserver
{
    private readonly HookEventEndpoint[] _endpoints = [.. endpoints];
    private readonly ConcurrentDictionary<Guid, Delivery> _deliveries = new();
    private readonly Channel<long> _done = Channel.CreateUnbounded<long>();
    private readonly Channel<(long Sequence, string Endpoint)> _failed = Channel.CreateUnbounded<(long, string)>();

    /// <summary>Positions in the accepted-events log of hooks every endpoint has stored.</summary>
    public ChannelReader<long> Done => _done.Reader;

    /// <summary>Hooks an endpoint failed to store (after the bus's own retries), to be handed to it again.</summary>
    public ChannelReader<(long Sequence, string Endpoint)> Failed => _failed.Reader;

    /// <summary>Hooks handed over and not yet stored by every endpoint.</summary>
    public int Pending => _deliveries.Count;

    /// <summary>Starts watching <paramref name="accepted"/>; call before handing it to the bus, so no answer can come first.</summary>
    public void Expect(AcceptedEvent accepted)
    {
        var conversation = accepted.Event is ConversationHookCaptured;
        var waiting = _endpoints.Where(e => conversation || !e.ConversationOnly).Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        if (waiting.Count == 0)
        {
            _done.Writer.TryWrite(accepted.Sequence);
            return;
        }
        _deliveries.TryAdd(accepted.Event.EventId, new Delivery(accepted.Sequence, waiting));
    }

    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class
    {
        foreach (var eventId in EventIds(context.Message))
            Consumed(eventId, HookEventEndpoint.NameOf(context.ReceiveContext.InputAddress));
        return Task.CompletedTask;
    }

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class
    {
        var endpoint = HookEventEndpoint.NameOf(context.ReceiveContext.InputAddress);
        foreach (var eventId in EventIds(context.Message))
        {
            if (_deliveries.TryGetValue(eventId, out var delivery) && delivery.IsWaitingFor(endpoint))
                _failed.Writer.TryWrite((delivery.Sequence, endpoint));
        }
        return Task.CompletedTask;
    }

    private void Consumed(Guid eventId, string endpoint)
    {
        if (!_deliveries.TryGetValue(eventId, out var delivery) || !delivery.Stored(endpoint))
            return;
        if (_deliveries.TryRemove(eventId, out _))
            _done.Writer.TryWrite(delivery.Sequence);
    }

    private static IEnumerable<Guid> EventIds(object message) => message switch
    {
        HookEventCaptured hook => [hook.EventId],
        Batch<HookEventCaptured> batch => batch.Select(m => m.Message.EventId),
        _ => [],
    };

    private sealed class Delivery(long sequence, HashSet<string> waiting)
    {
        public long Sequence { get; } = sequence;

        public bool IsWaitingFor(string endpoint)
        {
            lock (waiting)
                return waiting.Contains(endpoint);
        }

        /// <summary>Records the endpoint's store; true when it was the last one waited for.</summary>
        public bool Stored(string endpoint)
        {
            lock (waiting)
                return waiting.Remove(endpoint) && waiting.Count == 0;
        }
    }
}
