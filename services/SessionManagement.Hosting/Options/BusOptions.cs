using System.ComponentModel.DataAnnotations;

namespace SessionManagement.Hosting.Options;

public sealed class BusOptions
{
    public const string Section = "Bus";

    public BusTransport Transport { get; set; } = BusTransport.InMemory;

    /// <summary>The broker's AMQP URI (scheme amqp or amqps, with user, password, host, port and vhost); required when <see cref="Transport"/> is RabbitMq.</summary>
    public string? RabbitMqUri { get; set; }

    /// <summary>Delays between redeliveries of a failing message, in milliseconds, before it goes to <c>_error</c>.</summary>
    public List<int> RetryIntervalsMs { get; set; } = [100, 500, 2_000];

    [Range(1, 10_000)]
    public int PrefetchCount { get; set; } = 64;
}
