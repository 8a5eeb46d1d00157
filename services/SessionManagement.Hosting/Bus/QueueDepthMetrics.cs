using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Prometheus;
using SessionManagement.Hosting.Options;

namespace SessionManagement.Hosting.Bus;

/// <summary>
/// <c>sm_queue_depth{queue}</c>: messages waiting in this deployment's RabbitMQ queues (those with its endpoint prefix),
/// read from the management API at each scrape. The in-memory bus has no queues to report.
/// </summary>
public static class QueueDepthMetrics
{
    private static readonly Gauge Depth = Metrics.CreateGauge("sm_queue_depth", "Messages waiting in a RabbitMQ queue of this deployment.", "queue");

    public static void Register(IServiceProvider services)
    {
        if (RabbitMqManagement.From(services.GetRequiredService<IOptions<BusOptions>>().Value) is not { } management)
            return;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(QueueDepthMetrics));
        var warned = 0;
        Metrics.DefaultRegistry.AddBeforeCollectCallback(async cancellationToken =>
        {
            try
            {
                foreach (var (name, messages) in await management.QueuesAsync(cancellationToken))
                    Depth.WithLabels(name).Set(messages);
            }
            catch (Exception error) when (error is HttpRequestException or TaskCanceledException or JsonException)
            {
                if (Interlocked.Exchange(ref warned, 1) == 0)
                    logger.LogWarning("Queue depths are not available from {Url}: {Problem}", management.BaseUrl, error.Message);
            }
        });
    }
}
