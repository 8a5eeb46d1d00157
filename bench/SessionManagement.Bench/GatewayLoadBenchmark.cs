using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace SessionManagement.Bench;

/// <summary>
/// POST /hooks on loopback: each request's time from send to full response (the gateway answers only
/// after the publish is confirmed), then throughput with several connections at once.
/// </summary>
internal static class GatewayLoadBenchmark
{
    public static async Task<int> RunAsync(string gatewayUrl, int requests, int concurrency, string label)
    {
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, UseProxy = false })
        {
            BaseAddress = new Uri(gatewayUrl),
        };
        var session = "bench-" + Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < 500; i++)
            await PostAsync(client, session, i); // warm-up: JIT, connection, broker channel

        var latencies = new List<double>(requests);
        for (var i = 0; i < requests; i++)
        {
            var clock = Stopwatch.StartNew();
            await PostAsync(client, session, i);
            latencies.Add(clock.Elapsed.TotalMilliseconds);
        }

        var perWorker = requests / concurrency;
        var wall = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async worker =>
        {
            for (var i = 0; i < perWorker; i++)
                await PostAsync(client, session, worker * perWorker + i);
        }));
        var throughput = perWorker * concurrency / wall.Elapsed.TotalSeconds;

        Console.WriteLine("| gateway | requests | p50 ms | p99 ms | min ms | max ms |");
        Console.WriteLine("|---|---|---|---|---|---|");
        Console.WriteLine(Percentiles.Row(label + ", one at a time", latencies));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"\nthroughput ({label}): {throughput:0} requests/s with {concurrency} concurrent connections ({perWorker * concurrency} requests)"));
        return 0;
    }

    private static async Task PostAsync(HttpClient client, string session, int sequence)
    {
        var body = $$"""{"session_id":"{{session}}","hook_event_name":"PostToolUse","tool_name":"Bash","tool_input":{"command":"ls"},"tool_response":{"stdout":"a b c"},"n":{{sequence}}}""";
        using var response = await client.PostAsync("/hooks", new StringContent(body, Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        await response.Content.ReadAsByteArrayAsync();
    }
}
