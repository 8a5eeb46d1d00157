using System.Collections.Concurrent;
using System.Threading.Channels;
using MassTransit;
using SessionManagement.Contracts.Gateway;
using SessionManagement.Hosting.Bus;

namespace SessionManagement.Gateway.Accept;

/// <summary>
/// Watches this process's bus for the hook-storing endpoints (<see cref="HookEventEndpoint"/>) finishing each accepted hook, handed
/// to them in bursts (<see cref="HookEventsAccepted"/>, <see cref="ConversationHooksAccepted"/>).
/// A hook is done once every endpoint meant to store it has consumed it; a consume that failed is reported so the hook can be
/// handed to that endpoint again. Hooks this gateway did not hand over itself are not watched.
/// </summary>
internal sealed class HookDeliveryTracker : IConsumeObserver
{
    private readonly Dictionary<string, int> _bits = new(StringComparer.Ordinal);
    private readonly int _allHooks;
    private readonly int _conversationHooks;
    private readonly ConcurrentDictionary<Guid, Delivery> _deliveries = new();
    private readonly Channel<long> _done = Channel.CreateUnbounded<long>();
    private readonly Channel<(long Sequence, string Endpoint)> _failed = Channel.CreateUnbounded<(long, string)>();

    public HookDeliveryTracker(IEnumerable<HookEventEndpoint> endpoints)
    {
        foreach (var endpoint in endpoints)
        {
            if (_bits.Count == 31)
                throw new InvalidOperationException("more than 31 endpoints store hooks");
            var bit = 1 << _bits.Count;
            _bits[endpoint.Name] = bit;
            _conversationHooks |= bit;
            if (!endpoint.ConversationOnly)
                _allHooks |= bit;
        }
    }

    /// <summary>Positions in the accepted-events log of hooks every endpoint has stored.</summary>
    public ChannelReader<long> Done => _done.Reader;

    /// <summary>Hooks an endpoint failed to store (after the bus's own retries), to be handed to it again.</summary>
    public ChannelReader<(long Sequence, string Endpoint)> Failed => _failed.Reader;

    /// <summary>Whether <paramref name="endpoint"/> stores only the hooks that carry conversation text (<see cref="ConversationHooksAccepted"/>).</summary>
    public bool ConversationOnly(string endpoint) => _bits.TryGetValue(endpoint, out var bit) && (_allHooks & bit) == 0;

    /// <summary>Hooks handed over and not yet stored by every endpoint.</summary>
    public int Pending => _deliveries.Count;

    /// <summary>Starts watching <paramref name="accepted"/>; call before handing it to the bus, so no answer can come first.</summary>
    public void Expect(AcceptedEvent accepted)
    {
        var waiting = accepted.Event is ConversationHookCaptured ? _conversationHooks : _allHooks;
        if (waiting == 0)
        {
            _done.Writer.TryWrite(accepted.Sequence);
            return;
        }
        _deliveries.TryAdd(accepted.Event.EventId, new Delivery(accepted.Sequence, waiting));
    }

    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class
    {
        if (context.Message is not (HookEventsAccepted or ConversationHooksAccepted or Batch<HookEventsAccepted>)
            || !_bits.TryGetValue(HookEventEndpoint.NameOf(context.ReceiveContext.InputAddress), out var bit))
            return Task.CompletedTask;
        foreach (var eventId in EventIds(context.Message))
        {
            if (_deliveries.TryGetValue(eventId, out var delivery) && delivery.Stored(bit) && _deliveries.TryRemove(eventId, out _))
                _done.Writer.TryWrite(delivery.Sequence);
        }
        return Task.CompletedTask;
    }

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class
    {
        var endpoint = HookEventEndpoint.NameOf(context.ReceiveContext.InputAddress);
        if (!_bits.TryGetValue(endpoint, out var bit))
            return Task.CompletedTask;
        foreach (var eventId in EventIds(context.Message))
        {
            if (_deliveries.TryGetValue(eventId, out var delivery) && delivery.IsWaitingFor(bit))
                _failed.Writer.TryWrite((delivery.Sequence, endpoint));
        }
        return Task.CompletedTask;
    }

    private static IEnumerable<Guid> EventIds(object message) => message switch
    {
        HookEventsAccepted burst => burst.Events.Select(e => e.EventId),
        ConversationHooksAccepted burst => burst.Events.Select(e => e.EventId),
        Batch<HookEventsAccepted> batch => batch.SelectMany(m => m.Message.Events).Select(e => e.EventId),
        _ => [],
    };

    /// <summary>A hook handed over, and a bit for each endpoint still to store it.</summary>
    private sealed class Delivery(long sequence, int waiting)
    {
        private int _waiting = waiting;

        public long Sequence { get; } = sequence;

        public bool IsWaitingFor(int bit) => (Volatile.Read(ref _waiting) & bit) != 0;

        /// <summary>Records the endpoint's store; true when it was the last one waited for.</summary>
        public bool Stored(int bit)
        {
            var before = Interlocked.And(ref _waiting, ~bit);
            return (before & bit) != 0 && (before & ~bit) == 0;
        }
    }
}
