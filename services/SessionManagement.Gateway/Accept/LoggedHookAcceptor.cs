using Microsoft.Extensions.Logging;
using SessionManagement.Contracts.Gateway;

namespace SessionManagement.Gateway.Accept;

/// <summary>
/// Embedded: a hook is durable once the accepted-events log has committed it; then it is handed to the consumers (through
/// <see cref="AcceptedEventDispatcher"/>, which holds it until the bus runs and then hands hooks over in bursts). A log that cannot be written (full disk,
/// read-only folder) makes the hook spool instead.
/// </summary>
internal sealed class LoggedHookAcceptor(AcceptedEventLog log, AcceptedEventDispatcher dispatcher, HookDeliveryTracker tracker, ILogger<LoggedHookAcceptor> logger)
    : IHookAcceptor
{
    private volatile string? _unavailable;

    public string? Unavailable => _unavailable;

    public IReadOnlyList<HeldBackHooks> HeldBack(TimeSpan olderThan) => tracker.HeldBack(olderThan);

    public async Task<bool[]> TryAcceptInOrderAsync(IReadOnlyList<HookEventCaptured> hooks, CancellationToken cancellationToken)
    {
        // Queued in order, committed together, handed over in order.
        var commits = new Task<AcceptedEvent>[hooks.Count];
        for (var i = 0; i < hooks.Count; i++)
        {
            try
            {
                commits[i] = log.AcceptAsync(hooks[i], cancellationToken);
            }
            catch (ObjectDisposedException closed)
            {
                commits[i] = Task.FromException<AcceptedEvent>(closed);
            }
        }
        var accepted = new bool[hooks.Count];
        for (var i = 0; i < hooks.Count; i++)
        {
            try
            {
                dispatcher.HandOver(await commits[i]);
                accepted[i] = true;
                _unavailable = null;
            }
            catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Unkept(hooks[i], error);
            }
        }
        return accepted;
    }

    public async Task<bool> TryAcceptAsync(HookEventCaptured captured, bool probe, CancellationToken cancellationToken)
    {
        try
        {
            var accepted = await log.AcceptAsync(captured, cancellationToken);
            _unavailable = null;
            dispatcher.HandOver(accepted);
            return true;
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Unkept(captured, error);
            return false;
        }
    }

    private void Unkept(HookEventCaptured captured, Exception error)
    {
        if (_unavailable is null)
            logger.LogWarning("Hook {EventId} ({HookEventName}) could not be kept in the accepted-events log: {Problem}; spooling",
                captured.EventId, captured.HookEventName, error.Message);
        _unavailable = $"the accepted-events log {log.Path} cannot be written: {error.Message}";
    }
}
