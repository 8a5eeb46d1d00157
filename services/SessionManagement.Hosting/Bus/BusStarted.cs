using MassTransit;
using Microsoft.Extensions.Logging;

namespace SessionManagement.Hosting.Bus;

/// <summary>
/// Completes once the bus has started and its receive endpoints are ready. A message published before then can go
/// nowhere (the in-memory bus drops it), so what replays kept events waits for this. Says so in the log, where MassTransit's own
/// lines are left out unless asked for, and when the bus could not start.
/// </summary>
public sealed class BusStarted(ILogger<BusStarted> logger) : IBusObserver
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsReady => _ready.Task.IsCompletedSuccessfully;

    public Task WaitAsync(CancellationToken cancellationToken) => _ready.Task.WaitAsync(cancellationToken);

    public void PostCreate(IBus bus)
    {
    }

    public void CreateFaulted(Exception exception)
    {
    }

    public Task PreStart(IBus bus) => Task.CompletedTask;

    public Task PostStart(IBus bus, Task<BusReady> busReady)
    {
        _ = busReady.ContinueWith(ready =>
        {
            if (ready.IsCompletedSuccessfully)
            {
                logger.LogInformation("Bus started: {Address}", bus.Address.GetLeftPart(UriPartial.Authority) + "/");
                _ready.TrySetResult();
            }
            else
                logger.LogWarning("The bus at {Address} is not ready yet ({Problem}); MassTransit keeps trying", bus.Address,
                    ready.Exception?.GetBaseException().Message ?? "cancelled");
        }, TaskScheduler.Default);
        return Task.CompletedTask;
    }

    public Task StartFaulted(IBus bus, Exception exception) => Task.CompletedTask;

    public Task PreStop(IBus bus) => Task.CompletedTask;

    public Task PostStop(IBus bus) => Task.CompletedTask;

    public Task StopFaulted(IBus bus, Exception exception) => Task.CompletedTask;
}
