using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace SessionManagement.Testing;

/// <summary>Removes the durable queues (and exchanges) a test made on the shared broker, through its management API.</summary>
public static class RabbitMqQueues
{
    public static async Task DeleteWithPrefixAsync(string amqpUri, string prefix)
    {
        var uri = new Uri(amqpUri);
        var credentials = uri.UserInfo.Length > 0 ? Uri.UnescapeDataString(uri.UserInfo) : "guest:guest";
        using var http = new HttpClient { BaseAddress = new Uri($"http://{uri.Host}:15672/"), Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        foreach (var kind in new[] { "queues", "exchanges" })
        {
            try
            {
                using var list = JsonDocument.Parse(await http.GetStringAsync($"api/{kind}/%2F?columns=name"));
                foreach (var item in list.RootElement.EnumerateArray())
                {
                    var name = item.GetProperty("name").GetString()!;
                    if (name.StartsWith(prefix, StringComparison.Ordinal))
                        await http.DeleteAsync($"api/{kind}/%2F/{Uri.EscapeDataString(name)}");
                }
            }
            catch (HttpRequestException)
            {
                return; // no management API: the queues stay; they are named for this test and hold nothing of anyone else's
            }
        }
    }
}
