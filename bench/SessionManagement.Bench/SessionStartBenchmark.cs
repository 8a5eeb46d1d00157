using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace SessionManagement.Bench;

/// <summary>
/// SessionStart end to end through the gateway for a session with 10,000 messages and 1 MB of context: the hook posted
/// with <c>source=resume</c>, timed until the gateway answers with the rendered context. Each start is itself saved,
/// which drops the loader's cached rendering, so every run takes the full path (saver, chat and context asked over the bus).
/// </summary>
internal static class SessionStartBenchmark
{
    public static async Task<int> RunAsync(string gatewayUrl, int messages, int contextKb, int runs, string label)
    {
        using var client = new HttpClient { BaseAddress = new Uri(gatewayUrl), Timeout = TimeSpan.FromMinutes(10) };
        var run = Guid.NewGuid().ToString("N")[..8];
        var session = $"bench-start-{run}";
        var project = $"/bench/start-{run}";
        await PostHookAsync(client, session, "SessionStart", project, ",\"source\":\"startup\"");

        // The history: a transcript of `messages` conversation records, imported through chat's ingestion path.
        var transcript = new StringBuilder();
        string? parent = null;
        for (var i = 0; i < messages; i++)
        {
            var uuid = Guid.NewGuid().ToString();
            var role = i % 2 == 0 ? "user" : "assistant";
            transcript.Append(JsonSerializer.Serialize(new
            {
                parentUuid = parent, type = role, uuid, sessionId = session, cwd = project,
                timestamp = DateTimeOffset.UtcNow.AddMinutes(-messages + i).ToString("O"),
                message = new { role, content = $"message {i}: " + new string('w', 200) },
            })).Append('\n');
            parent = uuid;
        }
        using (var import = await client.PostAsync($"/api/sessions/import?session={session}", new StringContent(transcript.ToString(), Encoding.UTF8)))
            import.EnsureSuccessStatusCode();

        // The context: project items of 10 KB each, `contextKb` in all.
        for (var i = 0; i < contextKb / 10; i++)
        {
            using var saved = await client.PostAsJsonAsync("/api/context", new
            {
                type = "project", scope = "project", projectDir = project, priority = i % 100, content = $"note {i}: " + new string('c', 10 * 1024 - 20),
            });
            saved.EnsureSuccessStatusCode();
        }

        await PostHookAsync(client, session, "SessionEnd", project, ",\"reason\":\"other\"");
        var times = new List<double>(runs);
        var characters = 0;
        for (var i = 0; i < runs + 5; i++)
        {
            var clock = Stopwatch.StartNew();
            var output = await PostHookAsync(client, session, "SessionStart", project, ",\"source\":\"resume\"");
            clock.Stop();
            if (i < 5)
                continue; // warm-up: JIT and connection set-up
            times.Add(clock.Elapsed.TotalMilliseconds);
            using var document = JsonDocument.Parse(output);
            characters = document.RootElement.TryGetProperty("hookSpecificOutput", out var hook) ? hook.GetProperty("additionalContext").GetString()!.Length : 0;
            if (characters == 0)
                throw new InvalidOperationException("a SessionStart came back without context: " + output);
        }
        times.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {label} | {messages:N0} messages, {contextKb} KB context | {runs} | {Percentiles.Of(times, 50):F1} | **{Percentiles.Of(times, 99):F1}** | {times[^1]:F1} | {characters:N0} |"));
        return 0;
    }

    private static async Task<string> PostHookAsync(HttpClient client, string session, string name, string project, string extra)
    {
        var body = $$"""{"session_id":"{{session}}","hook_event_name":"{{name}}","cwd":"{{project}}"{{extra}}}""";
        using var response = await client.PostAsync("/hooks", new StringContent(body, Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }
}
