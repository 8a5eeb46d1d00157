using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionManagement.Contracts.Gateway;
using SessionManagement.Gateway.Options;

namespace SessionManagement.Gateway.Accept;

/// <summary>
/// Over RabbitMQ: a hook is durable once the broker has confirmed it into a queue (publisher confirms, mandatory routing, durable
/// queues). Once a publish has
/// failed, or the bus says its connection is down, hooks are not made to wait out the publish timeout again: they are spooled
/// at once until a probe (the spool's replay) gets through.
/// </summary>
internal sealed class PublishedHookAcceptor(IBus bus, IOptions<GatewayOptions> options, ILogger<PublishedHookAcceptor> logger) : IHookAcceptor
{
    private readonly IBusControl? _control = bus as IBusControl;
    private volatile string? _down;
    private volatile string? _busDown;
    private long _checkedAt = long.MinValue / 2;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Type, byte> _confirmedTypes = new();

    public string? Unavailable => _down ?? BusDown();

    public IReadOnlyList<HeldBackHooks> HeldBack(TimeSpan olderThan) => [];

    /// <summary>
    /// Each publish is started once the one before it is on its way to the channel, and the confirms are awaited together: the
    /// broker confirms a durable publish after its disk write, which it makes for many at once (one at a time, the
    /// spool drained at about 30 hooks a second).
    /// The first hook of a message type waits for its own confirm before those behind it go: its first publish declares the type's
    /// exchange, and they could overtake it.
    /// </summary>
    public async Task<bool[]> TryAcceptInOrderAsync(IReadOnlyList<HookEventCaptured> hooks, CancellationToken cancellationToken)
    {
        var publishes = new Task<bool>[hooks.Count];
        for (var i = 0; i < hooks.Count; i++)
        {
            var type = hooks[i].GetType();
            if (_confirmedTypes.ContainsKey(type))
            {
                publishes[i] = TryAcceptAsync(hooks[i], probe: true, cancellationToken);
                continue;
            }
            publishes[i] = Task.FromResult(await TryAcceptAsync(hooks[i], probe: true, cancellationToken));
        }
        return await Task.WhenAll(publishes);
    }

    public async Task<bool> TryAcceptAsync(HookEventCaptured captured, bool probe, CancellationToken cancellationToken)
    {
        if (!probe && Unavailable is not null)
            return false;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Value.PublishTimeoutMs);
        try
        {
            // As what it is (a conversation hook reaches its own consumers too), and mandatory: a hook no queue is bound to yet (the
            // saver never ran on this broker) comes back instead of vanishing, and is spooled until one is.
            await bus.Publish(captured, captured.GetType(), context =>
            {
                if (context.TryGetPayload(out RabbitMqSendContext? rabbitMq))
                    rabbitMq.Mandatory = true;
            }, deadline.Token);
            _confirmedTypes.TryAdd(captured.GetType(), 0);
            if (_down is not null)
                logger.LogInformation("The broker takes hooks again");
            _down = null;
            return true;
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (_down is null)
                logger.LogWarning("Publishing hook {EventId} ({HookEventName}, session {SessionId}) failed ({Problem}); hooks are spooled until the broker takes them again",
                    captured.EventId, captured.HookEventName, captured.SessionId, error.GetType().Name + ": " + error.Message);
            _down = error is OperationCanceledException
                ? $"the broker did not confirm a publish within {options.Value.PublishTimeoutMs} ms"
                : $"publishing failed: {error.Message}";
            return false;
        }
    }

    /// <summary>What the bus says of its connection, asked at most every 250 ms: a hook's path does not walk every endpoint each time.</summary>
    private string? BusDown()
    {
        if (_control is null)
            return null;
        var now = Environment.TickCount64;
        if (now - Volatile.Read(ref _checkedAt) < 250)
            return _busDown;
        var health = _control.CheckHealth();
        _busDown = health.Status == BusHealthStatus.Unhealthy ? $"the bus is unhealthy: {health.Description}" : null;
        Volatile.Write(ref _checkedAt, now);
        return _busDown;
    }
}
