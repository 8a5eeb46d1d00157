using System.Net.Http.Headers;
using System.Text;
using SessionManagement.Hosting.Configuration;

namespace SessionManagement.Testing;

/// <summary>
/// A virtual host of the test's own on the shared broker, made through its management API and deleted with everything in it at
/// the end. Exchanges are named by message type, not by a test's endpoint prefix, so on a shared virtual host one test's
/// queues take the hooks another test's gateway publishes (a saver refusing writes filled its error queue with them, and hooks
/// a gateway published before its own saver ran went to another test's saver instead of its spool).
/// </summary>
public sealed class RabbitMqVirtualHost : IAsyncDisposable
{
    private readonly HttpClient? _management;
    private readonly string _name;

    private RabbitMqVirtualHost(string uri, string name, HttpClient? management)
    {
        Uri = uri;
        _name = name;
        _management = management;
    }

    /// <summary>The broker's URI with this virtual host.</summary>
    public string Uri { get; }

    /// <summary>The virtual host's name, as the management API's paths take it.</summary>
    public string Escaped => System.Uri.EscapeDataString(_name);

    /// <summary>The management API, authenticated as the bus user; null when it cannot be reached (then the shared virtual host is used).</summary>
    public HttpClient? Management => _management;

    public static async Task<RabbitMqVirtualHost> CreateAsync(string rabbitMqUri, string label)
    {
        RabbitMqAddress.TryParse(rabbitMqUri, out var address, out _);
        var name = $"test-{label}-{Guid.NewGuid().ToString("N")[..8]}";
        var http = new HttpClient { BaseAddress = new System.Uri($"http://{address!.Host}:15672/"), Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{address.Username}:{address.Password}")));
        try
        {
            (await http.PutAsync($"api/vhosts/{System.Uri.EscapeDataString(name)}", null)).EnsureSuccessStatusCode();
            (await http.PutAsync($"api/permissions/{System.Uri.EscapeDataString(name)}/{System.Uri.EscapeDataString(address.Username)}",
                new StringContent("""{"configure":".*","write":".*","read":".*"}""", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        }
        catch (HttpRequestException)
        {
            http.Dispose();
            return new RabbitMqVirtualHost(rabbitMqUri, address.VirtualHost, null);
        }
        var uri = new UriBuilder(rabbitMqUri) { Path = "/" + System.Uri.EscapeDataString(name) }.Uri.ToString();
        return new RabbitMqVirtualHost(uri, name, http);
    }

    public async ValueTask DisposeAsync()
    {
        if (_management is null)
            return;
        try
        {
            (await _management.DeleteAsync($"api/vhosts/{Escaped}")).Dispose();
        }
        catch (HttpRequestException)
        {
            // the broker went away first: nothing left to delete
        }
        _management.Dispose();
    }
}
