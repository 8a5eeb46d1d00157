using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace SessionManagement.Bench;

/// <summary>
/// Events persisted end to end: hooks posted to the gateway (8 keep-alive connections from <see cref="HookLoad"/>, 100
/// sessions) until the saver has every one of them in its store; the clock stops when the store holds them all.
/// </summary>
internal static class PersistBenchmark
{
    /// <param name="warmup">Hooks posted and stored first, untimed: the host runs for days, so what is measured is its steady state, not its JIT.</param>
    public static async Task<int> RunAsync(string gatewayUrl, string database, int events, int warmup, string label)
    {
        if (warmup > 0)
            await PostAndStoreAsync(gatewayUrl, database, warmup);
        var (posted, stored, count) = await PostAndStoreAsync(gatewayUrl, database, events);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {label} | {count} | {posted.TotalSeconds:0.00} | {stored.TotalSeconds:0.00} | {count / stored.TotalSeconds:0} |"));
        return 0;
    }

    private static async Task<(TimeSpan Posted, TimeSpan Stored, int Count)> PostAndStoreAsync(string gatewayUrl, string database, int events)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var before = await CountAsync(database, run);
        var count = events / 8 * 8;
        var clock = Stopwatch.StartNew();
        await HookLoad.PostAsync(new Uri(gatewayUrl), 8, count,
            n => $$"""{"session_id":"bench-{{run}}-{{n % 100}}","hook_event_name":"PostToolUse","tool_name":"Read","cwd":"/bench/{{run}}","n":{{n}}}""");
        var posted = clock.Elapsed;
        while (await CountAsync(database, run) < before + count)
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(5))
                throw new TimeoutException($"only {await CountAsync(database, run) - before} of {count} events stored after 5 minutes");
            await Task.Delay(20);
        }
        return (posted, clock.Elapsed, count);
    }

    private static async Task<long> CountAsync(string database, string run)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        // A range on the session index: counting must not scan the table the saver is writing.
        command.CommandText = "SELECT count(*) FROM saver_events WHERE session_id >= $from AND session_id < $to";
        command.Parameters.AddWithValue("$from", $"bench-{run}-");
        command.Parameters.AddWithValue("$to", $"bench-{run}.");
        try
        {
            return (long)(await command.ExecuteScalarAsync())!;
        }
        catch (SqliteException)
        {
            return 0; // the saver has not created its tables yet
        }
    }
}
