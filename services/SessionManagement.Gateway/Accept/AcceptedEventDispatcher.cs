using System.Collections.Concurrent;
using System.Threading.Channels;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionManagement.Contracts.Gateway;
using SessionManagement.Hosting.Bus;
using SessionManagement.Hosting.Options;

namespace SessionManagement.Gateway.Accept;

/// <summary>
/// Hands the accepted-events log to the consumers once the bus runs: first what a previous run accepted and did not see
/// stored, then the hooks as they are committed, in bursts (what was committed within <see cref="BurstEvery"/> goes over
/// as one <see cref="HookEventsAccepted"/>, its conversation hooks as one <see cref="ConversationHooksAccepted"/>). A hook leaves the log once every endpoint that stores hooks has consumed it; an endpoint that failed it (a
/// full disk, a locked store) gets it again after a back-off that grows to a minute, for as long as it takes. Every store is
/// idempotent by event id, so a hook handed over twice is stored once.
/// </summary>
internal sealed class AcceptedEventDispatcher(
    AcceptedEventLog log,
    HookDeliveryTracker tracker,
    IBus bus,
    BusStarted busStarted,
    IOptions<PerformanceOptions> performance,
    TimeProvider time,
    ILogger<AcceptedEventDispatcher> logger) : BackgroundService
{
    private const int RecoveryPage = 500;

    /// <summary>
    /// How long committed hooks gather before they go to the bus together, as one message. A request waits only for the commit,
    /// never for the bus. On the in-memory bus a message's own way through the bus (serialized, then deserialized and piped by
    /// each module) cost more than storing its hook: handed over one message per hook, the host stored 3,200-3,900 hooks a
    /// second; as one message per burst, 5,700-6,200 (about 430 against 260 µs of CPU a hook). docs/benchmarks.md, How each is measured.
    /// </summary>
    internal static readonly TimeSpan BurstEvery = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan ForgetEvery = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxBackOff = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan ReopenEvery = TimeSpan.FromSeconds(5);

    // Hooks committed and not yet handed to the bus, in order: they wait here while the bus starts and what an earlier run left
    // goes over, and otherwise for the next burst.
    private readonly Channel<AcceptedEvent> _committed = Channel.CreateUnbounded<AcceptedEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<(long, string), int> _attempts = new();
    private readonly ConcurrentDictionary<(long, string), byte> _retrying = new();
    private readonly int _burstSize = Math.Max(1, performance.Value.BatchSize);
    private IReadOnlyList<AcceptedEvent>? _recovered;

    /// <summary>Opens the log before the host takes hooks, so what a previous run left is known at once.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await TryOpenAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    private async Task<bool> TryOpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            _recovered = await log.OpenAndRecoverAsync(cancellationToken);
            if (_recovered.Count > 0)
                logger.LogWarning("{Count} accepted hooks were not yet stored when the host last stopped; handing them over again once the bus runs",
                    _recovered.Count);
            return true;
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            logger.LogError("The accepted-events log {Path} cannot be opened ({Problem}); hooks are spooled until it can", log.Path, error.Message);
            return false;
        }
    }

    /// <summary>At a clean stop, lets go of what was stored since the last round, so the next start hands over only what was not.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        var done = new List<long>();
        while (tracker.Done.TryRead(out var sequence))
            done.Add(sequence);
        try
        {
            await log.ForgetAsync(done, cancellationToken);
        }
        catch (Exception error) when (error is not OperationCanceledException || cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Removing {Count} stored hooks from the accepted-events log at stop failed ({Problem}); the next start hands them over again",
                done.Count, error.Message);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // A start on a full disk or a read-only folder: try again until the log opens, then go on as after any start.
            while (_recovered is null && !await TryOpenAsync(stoppingToken))
                await Task.Delay(ReopenEvery, time, stoppingToken);
            await busStarted.WaitAsync(stoppingToken);
            await Task.WhenAll(DispatchAsync(stoppingToken), ForgetAsync(stoppingToken), RetryAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task DispatchAsync(CancellationToken stoppingToken)
    {
        var recovered = _recovered ?? [];
        for (var i = 0; i < recovered.Count; i += RecoveryPage)
        {
            // A long backlog (a store that was down for hours) goes over in pages, not into memory all at once.
            while (tracker.Pending > RecoveryPage)
                await Task.Delay(ForgetEvery, time, stoppingToken);
            await HandOverAsync(recovered.Skip(i).Take(RecoveryPage).ToList(), stoppingToken);
        }
        _recovered = [];
        var burst = new List<AcceptedEvent>();
        while (await _committed.Reader.WaitToReadAsync(stoppingToken))
        {
            await Task.Delay(BurstEvery, time, stoppingToken);
            while (_committed.Reader.TryRead(out var accepted))
                burst.Add(accepted);
            await HandOverAsync(burst, stoppingToken);
            burst.Clear();
        }
    }

    /// <summary>
    /// Takes a hook the log has just committed, for the next burst to the consumers (once the bus runs and what was accepted
    /// before has gone over). Never waits: the hook is durable already, and one not handed over before a stop is handed over at
    /// the next start.
    /// </summary>
    public void HandOver(AcceptedEvent accepted) => _committed.Writer.TryWrite(accepted);

    /// <summary>
    /// Hands hooks to the bus as bursts of at most <c>performance.batch_size</c>: one <see cref="HookEventsAccepted"/> each, and
    /// the burst's conversation hooks once more as <see cref="ConversationHooksAccepted"/>.
    /// </summary>
    private async Task HandOverAsync(IReadOnlyList<AcceptedEvent> hooks, CancellationToken stoppingToken)
    {
        for (var start = 0; start < hooks.Count; start += _burstSize)
        {
            var burst = hooks.Skip(start).Take(_burstSize).ToList();
            foreach (var accepted in burst)
                tracker.Expect(accepted);
            try
            {
                await bus.Publish(new HookEventsAccepted(burst.Select(a => a.Event).ToList()), stoppingToken);
                if (Conversation(burst.Select(a => a.Event)) is { Count: > 0 } conversation)
                    await bus.Publish(new ConversationHooksAccepted(conversation), stoppingToken);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                // They stay in the log and are handed over again at the next start.
                logger.LogError(error, "Handing {Count} accepted hooks to the bus failed", burst.Count);
            }
        }
    }

    private static List<ConversationHookCaptured> Conversation(IEnumerable<HookEventCaptured> hooks) =>
        hooks.Select(ConversationHookCaptured.Classify).OfType<ConversationHookCaptured>().ToList();

    private async Task ForgetAsync(CancellationToken stoppingToken)
    {
        var done = new List<long>();
        while (await tracker.Done.WaitToReadAsync(stoppingToken))
        {
            while (tracker.Done.TryRead(out var sequence))
                done.Add(sequence);
            try
            {
                await log.ForgetAsync(done, stoppingToken);
                if (!_attempts.IsEmpty)
                {
                    var forgotten = done.ToHashSet();
                    foreach (var key in _attempts.Keys.Where(k => forgotten.Contains(k.Item1)))
                        _attempts.TryRemove(key, out _);
                }
                done.Clear();
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                logger.LogWarning("Removing {Count} stored hooks from the accepted-events log failed ({Problem}); retrying", done.Count, error.Message);
            }
            await Task.Delay(ForgetEvery, time, stoppingToken);
        }
    }

    private async Task RetryAsync(CancellationToken stoppingToken)
    {
        await foreach (var (sequence, endpoint) in tracker.Failed.ReadAllAsync(stoppingToken))
        {
            // One retry waits per hook and endpoint; the bus may report the same failure more than once.
            if (!_retrying.TryAdd((sequence, endpoint), 0))
                continue;
            var attempt = _attempts.AddOrUpdate((sequence, endpoint), 1, (_, n) => n + 1);
            _ = RetryLaterAsync(sequence, endpoint, attempt, stoppingToken);
        }
    }

    private async Task RetryLaterAsync(long sequence, string endpoint, int attempt, CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromSeconds(Math.Min(MaxBackOff.TotalSeconds, Math.Pow(2, Math.Min(attempt - 1, 6))));
        logger.LogWarning("Endpoint {Endpoint} failed to store accepted hook #{Sequence}; handing it over again in {Delay} (attempt {Attempt})",
            endpoint, sequence, delay, attempt + 1);
        try
        {
            await Task.Delay(delay, time, stoppingToken);
            var events = await log.GetAsync([sequence], stoppingToken);
            if (events.Count == 0)
                return;
            var sender = await bus.GetSendEndpoint(new Uri($"queue:{endpoint}"));
            if (tracker.ConversationOnly(endpoint))
                await sender.Send(new ConversationHooksAccepted(Conversation([events[0].Event])), stoppingToken);
            else
                await sender.Send(new HookEventsAccepted([events[0].Event]), stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception error)
        {
            logger.LogError(error, "Handing accepted hook #{Sequence} to {Endpoint} again failed; it is handed over at the next start", sequence, endpoint);
        }
        finally
        {
            _retrying.TryRemove((sequence, endpoint), out _);
        }
    }
}
