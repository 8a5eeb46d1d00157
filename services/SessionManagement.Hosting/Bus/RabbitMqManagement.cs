using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using SessionManagement.Hosting.Configuration;
using SessionManagement.Hosting.Options;

namespace SessionManagement.Hosting.Bus;

/// <summary>
/// The broker's management API (<c>Bus:RabbitMqManagementUri</c>, else port 15672 of the broker's host), with the bus's own
/// credentials: the queues of this deployment and what waits in them. Null (<see cref="From"/>) on the in-memory bus.
/// </summary>
public sealed class RabbitMqManagement
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly string _credentials;

    private RabbitMqManagement(string baseUrl, RabbitMqAddress address, string endpointPrefix)
    {
        BaseUrl = baseUrl;
        Address = address;
        EndpointPrefix = endpointPrefix;
        _credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{address.Username}:{address.Password}"));
    }

    public string BaseUrl { get; }

    public RabbitMqAddress Address { get; }

    /// <summary>The prefix of this deployment's queue names (<c>Bus:EndpointPrefix</c>).</summary>
    public string EndpointPrefix { get; }

    public static RabbitMqManagement? From(BusOptions bus)
    {
        if (bus.Transport != BusTransport.RabbitMq || !RabbitMqAddress.TryParse(bus.RabbitMqUri ?? "", out var address, out _))
            return null;
        var baseUrl = bus.RabbitMqManagementUri.Length > 0 ? bus.RabbitMqManagementUri.TrimEnd('/') : $"http://{address.Host}:15672";
        return new RabbitMqManagement(baseUrl, address, bus.EndpointPrefix);
    }

    /// <summary>This deployment's queues (their names start with its prefix) and how many messages each holds.</summary>
    public async Task<IReadOnlyList<(string Name, long Messages)>> QueuesAsync(CancellationToken cancellationToken)
    {
        using var queues = await SendAsync(HttpMethod.Get, $"api/queues/{Uri.EscapeDataString(Address.VirtualHost)}?columns=name,messages", null, cancellationToken);
        return queues.RootElement.EnumerateArray()
            .Select(q => (Name: q.GetProperty("name").GetString()!, Messages: q.TryGetProperty("messages", out var m) && m.TryGetInt64(out var n) ? n : 0))
            .Where(q => q.Name.StartsWith(EndpointPrefix, StringComparison.Ordinal))
            .ToList();
    }

    /// <summary>
    /// Up to <paramref name="count"/> messages from the head of <paramref name="queue"/>, left where they are (taken and put back by
    /// the broker): their properties and headers, and their bodies cut at <paramref name="truncate"/> bytes.
    /// </summary>
    public Task<JsonDocument> PeekAsync(string queue, int count, int truncate, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"api/queues/{Uri.EscapeDataString(Address.VirtualHost)}/{Uri.EscapeDataString(queue)}/get",
            new { count, ackmode = "ack_requeue_true", encoding = "auto", truncate }, cancellationToken);

    private async Task<JsonDocument> SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, $"{BaseUrl}/{path}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", _credentials);
        // Sent with its length: the management API answers 400 to a chunked body.
        if (body is not null)
            request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        using var response = await Http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
    }
}
