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
/// handed to that endpoint again, and stays reported (<see cref="HeldBack"/>) until that endpoint stores it. Hooks this gateway
/// did not hand over itself are not watched.
/// </summary>
internal sealed class HookDeliveryTracker : IConsumeObserver
{
    private readonly Dictionary<string, int> _bits = new(StringComparer.Ordinal);
    private readonly int _allHooks;
    private readonly int _conversationHooks;
    private readonly ConcurrentDictionary<Guid, Delivery> _deliveries = new();
    private readonly Channel<long> _done = Channel.CreateUnbounded<long>();
    private readonly Channel<(long Sequence, string Endpoint)> _failed = Channel.CreateUnbounded<(long, string)>();
    private readonly ConcurrentDictionary<(Guid EventId, string Endpoint), Failure> _failing = new();
    private readonly Dictionary<string, string> _modules = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public HookDeliveryTracker(IEnumerable<HookEventEndpoint> endpoints, TimeProvider time)
    {
        _time = time;
        foreach (var endpoint in endpoints)
        {
            _modules[endpoint.Name] = endpoint.Module is "" ? endpoint.Name : endpoint.Module;
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

    /// <summary>
    /// The hooks a module has failed to store, for each module that has not stored them since: how many, since when, and the last
    /// error. Only failures older than <paramref name="olderThan"/> count: a store that was busy a moment is not held back.
    /// </summary>
    public IReadOnlyList<HeldBackHooks> HeldBack(TimeSpan olderThan)
    {
        if (_failing.IsEmpty)
            return [];
        var before = _time.GetUtcNow() - olderThan;
        return _failing.Where(f => f.Value.Since <= before)
            .GroupBy(f => f.Key.Endpoint, f => f.Value)
            .Select(g => new HeldBackHooks(_modules[g.Key], g.Count(), g.Min(f => f.Since), g.MaxBy(f => f.At)!.Error))
            .OrderBy(h => h.Since)
            .ToList();
    }

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class
    {
        if (context.Message is not (HookEventsAccepted or ConversationHooksAccepted or Batch<HookEventsAccepted>))
            return Task.CompletedTask;
        var endpoint = HookEventEndpoint.NameOf(context.ReceiveContext.InputAddress);
        if (!_bits.TryGetValue(endpoint, out var bit))
            return Task.CompletedTask;
        foreach (var eventId in EventIds(context.Message))
        {
            if (!_failing.IsEmpty)
                _failing.TryRemove((eventId, endpoint), out _);
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
        var now = _time.GetUtcNow();
        var error = exception.GetBaseException().Message.TrimEnd('.');
        foreach (var eventId in EventIds(context.Message))
        {
            if (_deliveries.TryGetValue(eventId, out var delivery) && delivery.IsWaitingFor(bit))
            {
                _failing.AddOrUpdate((eventId, endpoint), new Failure(now, now, error), (_, held) => held with { At = now, Error = error });
                _failed.Writer.TryWrite((delivery.Sequence, endpoint));
            }
        }
        return Task.CompletedTask;
    }

    /// <summary>A hook an endpoint failed: when it first did, when last, and why last.</summary>
    private sealed record Failure(DateTimeOffset Since, DateTimeOffset At, string Error);

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

/// <summary>Hooks kept in the accepted-events log that <paramref name="Module"/> has failed to store since <paramref name="Since"/>.</summary>
internal sealed record HeldBackHooks(string Module, int Hooks, DateTimeOffset Since, string LastError);
