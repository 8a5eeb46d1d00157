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

    /// <summary>Put before every endpoint (queue) name, so separate deployments can share one broker without taking each other's messages.</summary>
    [RegularExpression("^[a-z0-9-]*$", ErrorMessage = "use lower-case letters, digits and '-'")]
    public string EndpointPrefix { get; set; } = "";

    /// <summary>RabbitMQ's management API, read for <c>sm_queue_depth</c>; empty means <c>http://&lt;broker host&gt;:15672</c> with the broker's credentials.</summary>
    public string RabbitMqManagementUri { get; set; } = "";

    /// <summary>Queues that vanish with the process (RabbitMQ auto-delete, not durable): for tests and throwaway environments only.</summary>
    public bool TemporaryEndpoints { get; set; }
}
