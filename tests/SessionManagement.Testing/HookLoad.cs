using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Xunit;

namespace SessionManagement.Testing;

/// <summary>
/// Hooks a fault test sends, each carrying a marker of its own (<c>tool_use_id</c>), counted by the test: sent, and
/// acknowledged (answered 2xx, or sm-hook exited 0 having delivered or spooled it). What was stored is read from the
/// database file by the test's own query, so the count does not rest on the product's word.
/// </summary>
public sealed class HookLoad(string sessionId)
{
    private int _next;

    public string SessionId { get; } = sessionId;

    public ConcurrentDictionary<string, byte> Sent { get; } = new();

    public ConcurrentDictionary<string, byte> Acknowledged { get; } = new();

    private readonly ConcurrentBag<(int Count, TaskCompletionSource Reached)> _waiting = [];

    /// <summary>
    /// Completes the moment <paramref name="count"/> hooks are acknowledged, from the thread that saw the answer: a fault injected
    /// then lands mid-stream however fast the host answers (polling the count let a fast host answer the rest first).
    /// </summary>
    public Task WhenAcknowledged(int count)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting.Add((count, reached));
        if (Acknowledged.Count >= count)
            reached.TrySetResult();
        return reached.Task;
    }

    private void Acknowledge(string marker)
    {
        Acknowledged[marker] = 0;
        var count = Acknowledged.Count;
        foreach (var (atLeast, reached) in _waiting)
        {
            if (count >= atLeast)
                reached.TrySetResult();
        }
    }

    /// <summary>Events per scenario: <c>SM_FAULT_EVENTS</c> when set (the 10,000-event runs), else <paramref name="fallback"/>.</summary>
    public static int Scale(int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable("SM_FAULT_EVENTS"), out var events) && events > 0 ? events : fallback;

    /// <summary>A new hook and its marker; the events vary as Claude Code's do.</summary>
    public (string Marker, string Json) Next()
    {
        var n = Interlocked.Increment(ref _next);
        var marker = $"fault-{n:D6}-{Guid.NewGuid():N}";
        var name = (n % 5) switch { 0 => "UserPromptSubmit", 1 => "PreToolUse", 2 => "PostToolUse", 3 => "Notification", _ => "PostToolBatch" };
        var json = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["session_id"] = SessionId,
            ["hook_event_name"] = name,
            ["cwd"] = "/work/project",
            ["tool_use_id"] = marker,
            ["prompt"] = "fault test " + n,
        });
        return (marker, json);
    }

    /// <summary>Posts one hook to the gateway; acknowledged when answered 2xx. Connection failures count as not acknowledged.</summary>
    public async Task<int> PostAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var (marker, json) = Next();
        Sent[marker] = 0;
        try
        {
            using var content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
            using var response = await http.PostAsync("/hooks", content, cancellationToken);
            if (response.IsSuccessStatusCode)
                Acknowledge(marker);
            return (int)response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return 0;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
    }

    /// <summary>Posts <paramref name="count"/> hooks from <paramref name="parallel"/> clients; returns the answers by status (0: no answer).</summary>
    public async Task<IReadOnlyDictionary<int, int>> PostManyAsync(HttpClient http, int count, int parallel, CancellationToken cancellationToken)
    {
        var answers = new ConcurrentDictionary<int, int>();
        var left = count;
        await Task.WhenAll(Enumerable.Range(0, parallel).Select(async _ =>
        {
            while (Interlocked.Decrement(ref left) >= 0)
                answers.AddOrUpdate(await PostAsync(http, cancellationToken), 1, (_, n) => n + 1);
        }));
        return answers;
    }

    /// <summary>Runs sm-hook once per hook, as Claude Code would; returns how long each run took. Exit 0 acknowledges the hook.</summary>
    /// <param name="atLeast">Keep firing past <paramref name="count"/> hooks until this long has passed (a fault held for a set time).</param>
    public async Task<IReadOnlyList<TimeSpan>> RunSmHookAsync(IReadOnlyDictionary<string, string> environment, int count, int parallel,
        TimeSpan atLeast = default)
    {
        var durations = new ConcurrentBag<TimeSpan>();
        var left = count;
        var running = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, parallel).Select(async _ =>
        {
            while (Interlocked.Decrement(ref left) >= 0 || running.Elapsed < atLeast)
            {
                var (marker, json) = Next();
                Sent[marker] = 0;
                var clock = Stopwatch.StartNew();
                var result = await SmHookProcess.RunAsync(json, environment);
                durations.Add(clock.Elapsed);
                if (result.ExitCode == 0)
                    Acknowledge(marker);
            }
        }));
        return [.. durations];
    }

    /// <summary>How many times each marker of this load is stored among the saver's raw events in <paramref name="databasePath"/>.</summary>
    public Dictionary<string, int> Stored(string databasePath)
    {
        var stored = new Dictionary<string, int>(StringComparer.Ordinal);
        if (!File.Exists(databasePath))
            return stored;
        using var connection = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT raw_json FROM saver_events WHERE session_id = $session";
        command.Parameters.AddWithValue("$session", SessionId);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            using var hook = JsonDocument.Parse(reader.GetString(0));
            if (hook.RootElement.TryGetProperty("tool_use_id", out var marker) && marker.GetString() is { } text)
                stored[text] = stored.GetValueOrDefault(text) + 1;
        }
        return stored;
    }

    /// <summary>Waits until every acknowledged hook is stored, then counts: nothing acknowledged may be missing or stored twice.</summary>
    public async Task<FaultCount> WaitUntilStoredAsync(string databasePath, TimeSpan within)
    {
        try
        {
            var stored = await Eventually.ReturnsAsync(() => Task.FromResult(Stored(databasePath)),
                found => Acknowledged.Keys.All(found.ContainsKey), within, $"every acknowledged hook of {SessionId} stored");
            return Count(stored);
        }
        catch (TimeoutException timedOut)
        {
            // Say what is missing: the count, and the first few markers to look for in the hosts' logs and the broker's queues.
            var stored = Stored(databasePath);
            var missing = Acknowledged.Keys.Where(m => !stored.ContainsKey(m)).Order().ToList();
            throw new TimeoutException($"{timedOut.Message} {Count(stored)}; missing, first of them: {string.Join(", ", missing.Take(5))}", timedOut);
        }
    }

    public FaultCount Count(Dictionary<string, int> stored) => new(Sent.Count, Acknowledged.Count, stored.Count,
        stored.Values.Count(n => n > 1), Acknowledged.Keys.Count(marker => !stored.ContainsKey(marker)));
}

/// <summary>What a fault scenario counted: the promise is Missing == 0 and Duplicated == 0.</summary>
public sealed record FaultCount(int Sent, int Acknowledged, int Stored, int Duplicated, int Missing)
{
    /// <summary>Appends the figures to <c>SM_FAULT_REPORT</c> when set (docs/reliability.md is written from it).</summary>
    public FaultCount Report(string scenario, string? note = null)
    {
        var line = $"{scenario}\tsent {Sent}\tacknowledged {Acknowledged}\tstored {Stored}\tduplicated {Duplicated}\tmissing {Missing}" + (note is null ? "" : "\t" + note);
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        if (Environment.GetEnvironmentVariable("SM_FAULT_REPORT") is { Length: > 0 } file)
            File.AppendAllText(file, line + Environment.NewLine);
        return this;
    }
}
