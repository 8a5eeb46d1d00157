using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using SessionManagement.Hosting.Bus;
using SessionManagement.Hosting.Options;

namespace SessionManagement.Gateway.Errors;

/// <summary>
/// The messages a module could not consume after the bus's retries, over RabbitMQ: MassTransit moves each to its queue's
/// <c>_error</c> queue with the reason in its headers, and they wait there, never deleted. Lists them (through the broker's
/// management API, leaving them in place) and moves them back to the queue they came from, so the module consumes them
/// again once what failed them is fixed. The in-memory bus has no such queues: embedded, a hook a module failed stays in the
/// accepted-events log and is handed to it again until it is stored.
/// </summary>
internal sealed partial class ErrorQueues(IOptions<BusOptions> bus)
{
    public const string Suffix = "_error";

    private readonly RabbitMqManagement? _management = RabbitMqManagement.From(bus.Value);

    /// <summary>False on the in-memory bus.</summary>
    public bool Available => _management is not null;

    /// <summary>Every queue of this deployment and how many messages wait in it (the web view's health page).</summary>
    public Task<IReadOnlyList<(string Name, long Messages)>> DepthsAsync(CancellationToken cancellationToken) => Management().QueuesAsync(cancellationToken);

    /// <summary>This deployment's error queues that hold messages, with up to <paramref name="peek"/> of each described.</summary>
    public async Task<IReadOnlyList<ErrorQueue>> ListAsync(int peek, CancellationToken cancellationToken)
    {
        var management = Management();
        var listed = new List<ErrorQueue>();
        foreach (var (name, messages) in await management.QueuesAsync(cancellationToken))
        {
            if (!name.EndsWith(Suffix, StringComparison.Ordinal) || messages == 0)
                continue;
            var faults = new List<FaultedMessage>();
            if (peek > 0)
            {
                using var peeked = await management.PeekAsync(name, peek, 4_096, cancellationToken);
                faults.AddRange(peeked.RootElement.EnumerateArray().Select(Describe));
            }
            listed.Add(new ErrorQueue(name[..^Suffix.Length], name, messages, faults));
        }
        return listed;
    }

    /// <summary>
    /// Moves up to <paramref name="count"/> messages from <paramref name="queue"/>'s error queue back to it, oldest first, each
    /// taken off the error queue only once the broker has confirmed it in the queue: a failure midway leaves every message in one
    /// of the two. Returns how many moved and how many are left behind.
    /// </summary>
    public async Task<(int Moved, long Left)> ReplayAsync(string queue, int count, CancellationToken cancellationToken)
    {
        var management = Management();
        var target = queue.EndsWith(Suffix, StringComparison.Ordinal) ? queue[..^Suffix.Length] : queue;
        var queues = (await management.QueuesAsync(cancellationToken)).ToDictionary(q => q.Name, q => q.Messages, StringComparer.Ordinal);
        if (!queues.ContainsKey(target) || !queues.ContainsKey(target + Suffix))
            throw new ArgumentException($"no queue {target} with an error queue {target + Suffix} in this deployment (smctl errors list names them)");
        var address = management.Address;
        var factory = new ConnectionFactory
        {
            HostName = address.Host,
            Port = address.Port,
            VirtualHost = address.VirtualHost,
            UserName = address.Username,
            Password = address.Password,
            ClientProvidedName = "session-management errors replay",
            Ssl = new SslOption { Enabled = address.UseTls, ServerName = address.Host },
        };
        await using var connection = await factory.CreateConnectionAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
        var moved = 0;
        uint left = 0;
        while (moved < count && await channel.BasicGetAsync(target + Suffix, autoAck: false, cancellationToken) is { } taken)
        {
            left = taken.MessageCount;
            var properties = new BasicProperties(taken.BasicProperties)
            {
                // The fault's own headers go: if it fails again, the bus writes them anew.
                Headers = taken.BasicProperties.Headers?
                    .Where(h => !h.Key.StartsWith("MT-Fault-", StringComparison.Ordinal) && h.Key != "MT-Reason")
                    .ToDictionary(h => h.Key, h => h.Value),
            };
            // Confirmed (or refused: unroutable, nacked) before the original is let go; refused, it goes back where it was.
            await channel.BasicPublishAsync("", target, mandatory: true, properties, taken.Body, cancellationToken);
            await channel.BasicAckAsync(taken.DeliveryTag, multiple: false, cancellationToken);
            moved++;
        }
        return (moved, left);
    }

    private RabbitMqManagement Management() =>
        _management ?? throw new InvalidOperationException("the bus is in memory: there are no error queues (a hook a module failed is handed to it again from the accepted-events log)");

    /// <summary>One peeked message: its id, type, and why it failed, as MassTransit wrote it into the headers.</summary>
    private static FaultedMessage Describe(JsonElement message)
    {
        var properties = message.GetProperty("properties");
        var headers = properties.TryGetProperty("headers", out var h) && h.ValueKind == JsonValueKind.Object ? h : default;
        string? Header(string name) => headers.ValueKind == JsonValueKind.Object && headers.TryGetProperty(name, out var value)
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.ToString()
            : null;
        var payload = message.TryGetProperty("payload", out var p) ? p.GetString() ?? "" : "";
        var type = MessageTypePattern().Match(payload) is { Success: true } match ? match.Groups[1].Value.Split(':')[^1] : null;
        return new FaultedMessage(
            properties.TryGetProperty("message_id", out var id) ? id.GetString() : Header("MessageId"),
            type,
            Header("MT-Fault-Message"),
            Header("MT-Fault-ExceptionType"),
            Header("MT-Fault-ConsumerType"),
            Header("MT-Fault-Timestamp"),
            message.TryGetProperty("payload_bytes", out var bytes) && bytes.TryGetInt64(out var n) ? n : 0);
    }

    /// <summary>The first message type of MassTransit's envelope (<c>"messageType": ["urn:message:Namespace:Type"]</c>).</summary>
    [GeneratedRegex("\"messageType\"\\s*:\\s*\\[\\s*\"([^\"]+)\"")]
    private static partial Regex MessageTypePattern();
}

/// <summary>A queue of this deployment whose error queue holds messages.</summary>
/// <param name="Queue">The queue the messages came from, and go back to when replayed.</param>
/// <param name="WaitingIn">The error queue where they wait.</param>
/// <param name="Messages">How many wait.</param>
/// <param name="Faults">The first few, described.</param>
internal sealed record ErrorQueue(string Queue, string WaitingIn, long Messages, IReadOnlyList<FaultedMessage> Faults);

/// <summary>A message that failed.</summary>
/// <param name="MessageId">Its MassTransit message id.</param>
/// <param name="MessageType">Its contract (e.g. <c>HookEventCaptured</c>).</param>
/// <param name="Reason">The exception's message, from <c>MT-Fault-Message</c>.</param>
/// <param name="ExceptionType">The exception's type.</param>
/// <param name="Consumer">The consumer that failed it.</param>
/// <param name="FaultedAt">When it failed the last time.</param>
/// <param name="Bytes">The size of its body.</param>
internal sealed record FaultedMessage(string? MessageId, string? MessageType, string? Reason, string? ExceptionType, string? Consumer, string? FaultedAt, long Bytes);
