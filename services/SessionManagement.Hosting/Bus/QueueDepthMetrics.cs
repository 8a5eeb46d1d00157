using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Prometheus;
using SessionManagement.Hosting.Configuration;
using SessionManagement.Hosting.Options;

namespace SessionManagement.Hosting.Bus;

/// <summary>
/// <c>sm_queue_depth{queue}</c>: messages waiting in this deployment's RabbitMQ queues (those with its endpoint prefix),
/// read from the management API at each scrape. The in-memory bus has no queues to report.
/// </summary>
public static class QueueDepthMetrics
{
    private static readonly Gauge Depth = Metrics.CreateGauge("sm_queue_depth", "Messages waiting in a RabbitMQ queue of this deployment.", "queue");
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(2) };

    public static void Register(IServiceProvider services)
    {
        var bus = services.GetRequiredService<IOptions<BusOptions>>().Value;
        if (bus.Transport != BusTransport.RabbitMq || !RabbitMqAddress.TryParse(bus.RabbitMqUri ?? "", out var address, out _))
            return;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(QueueDepthMetrics));
        var management = bus.RabbitMqManagementUri.Length > 0 ? bus.RabbitMqManagementUri.TrimEnd('/') : $"http://{address.Host}:15672";
        var url = $"{management}/api/queues/{Uri.EscapeDataString(address.VirtualHost)}?columns=name,messages";
        var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{address.Username}:{address.Password}"));
        var warned = 0;
        Metrics.DefaultRegistry.AddBeforeCollectCallback(async cancellationToken =>
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", credentials);
                using var response = await Http.SendAsync(request, cancellationToken);
                response.EnsureSuccessStatusCode();
                using var queues = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(cancellationToken));
                foreach (var queue in queues.RootElement.EnumerateArray())
                {
                    var name = queue.GetProperty("name").GetString()!;
                    if (name.StartsWith(bus.EndpointPrefix, StringComparison.Ordinal))
                        Depth.WithLabels(name).Set(queue.TryGetProperty("messages", out var messages) && messages.TryGetInt64(out var count) ? count : 0);
                }
            }
            catch (Exception error) when (error is HttpRequestException or TaskCanceledException or JsonException)
            {
                if (Interlocked.Exchange(ref warned, 1) == 0)
                    logger.LogWarning("Queue depths are not available from {Url}: {Problem}", management, error.Message);
            }
        });
    }
}
