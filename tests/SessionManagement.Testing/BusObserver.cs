using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using SessionManagement.Contracts.Gateway;
using SessionManagement.Hosting.Bus;
using SessionManagement.Hosting.Options;

namespace SessionManagement.Testing;

/// <summary>
/// A bus of the test's own on the real broker, bound (through an auto-deleted queue) to what the
/// services publish, so a test sees exactly what reached RabbitMQ. Filter by your own session ids:
/// tests running beside yours publish too.
/// </summary>
public sealed class BusObserver : IAsyncDisposable
{
    private readonly ServiceProvider _provider;
    private readonly IBusControl _bus;

    private BusObserver(ServiceProvider provider)
    {
        _provider = provider;
        _bus = provider.GetRequiredService<IBusControl>();
        Observed = provider.GetRequiredService<ObservedMessages>();
    }

    public ObservedMessages Observed { get; }

    public static async Task<BusObserver> StartAsync(string rabbitMqUri)
    {
        var provider = new ServiceCollection()
            .AddSingleton<ObservedMessages>()
            .AddMassTransit(bus =>
            {
                bus.AddConsumer<ObserverConsumer>().Endpoint(endpoint =>
                {
                    endpoint.Name = "test-observer-" + Guid.NewGuid().ToString("N")[..12];
                    endpoint.Temporary = true;
                    endpoint.ConcurrentMessageLimit = 1; // consumed in the order published, so "seen X" means "seen all before X"
                });
                bus.AddConsumer<LoaderStandInConsumer>().Endpoint(endpoint =>
                {
                    endpoint.Name = "test-loader-" + Guid.NewGuid().ToString("N")[..12];
                    endpoint.Temporary = true;
                });
                bus.UseSessionManagementTransport(new BusOptions { Transport = BusTransport.RabbitMq, RabbitMqUri = rabbitMqUri, RetryIntervalsMs = [] });
            })
            .BuildServiceProvider();
        var observer = new BusObserver(provider);
        using var start = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await observer._bus.StartAsync(start.Token);
        return observer;
    }

    /// <summary>Waits until <paramref name="count"/> hooks of <paramref name="sessionId"/> arrived; returns them in arrival order.</summary>
    public Task<IReadOnlyList<HookEventCaptured>> HooksAsync(string sessionId, int count, TimeSpan? within = null) =>
        Eventually.ReturnsAsync<IReadOnlyList<HookEventCaptured>>(
            () => Task.FromResult<IReadOnlyList<HookEventCaptured>>(Observed.Hooks.Where(h => h.SessionId == sessionId).ToList()),
            hooks => hooks.Count >= count, within ?? TimeSpan.FromSeconds(30), $"{count} hooks of session {sessionId} on the bus");

    /// <summary>Waits until the shipped transcript lines of <paramref name="sessionId"/> satisfy <paramref name="done"/>.</summary>
    public Task<IReadOnlyList<TranscriptLinesCaptured>> TranscriptAsync(string sessionId, Func<IReadOnlyList<string>, bool> done, TimeSpan? within = null) =>
        Eventually.ReturnsAsync<IReadOnlyList<TranscriptLinesCaptured>>(
            () => Task.FromResult<IReadOnlyList<TranscriptLinesCaptured>>(Observed.TranscriptBatches.Where(b => b.SessionId == sessionId).ToList()),
            batches => done(batches.SelectMany(b => b.ReadLines()).ToList()), within ?? TimeSpan.FromSeconds(30), $"transcript lines of session {sessionId} on the bus");

    public async ValueTask DisposeAsync()
    {
        await _bus.StopAsync(CancellationToken.None);
        await _provider.DisposeAsync();
    }
}
