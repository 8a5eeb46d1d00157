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
    public static async Task<int> RunAsync(string gatewayUrl, string database, int events, string label)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var before = await CountAsync(database, run);
        var perWorker = events / 8;
        var clock = Stopwatch.StartNew();
        await HookLoad.PostAsync(new Uri(gatewayUrl), 8, perWorker * 8,
            n => $$"""{"session_id":"bench-{{run}}-{{n % 100}}","hook_event_name":"PostToolUse","tool_name":"Read","cwd":"/bench/{{run}}","n":{{n}}}""");
        var posted = clock.Elapsed;
        var expected = before + perWorker * 8;
        while (await CountAsync(database, run) < expected)
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(5))
                throw new TimeoutException($"only {await CountAsync(database, run) - before} of {perWorker * 8} events stored after 5 minutes");
            await Task.Delay(20);
        }
        var stored = clock.Elapsed;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {label} | {perWorker * 8} | {posted.TotalSeconds:0.00} | {stored.TotalSeconds:0.00} | {perWorker * 8 / stored.TotalSeconds:0} |"));
        return 0;
    }

    private static async Task<long> CountAsync(string database, string run)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM saver_events WHERE session_id LIKE $prefix";
        command.Parameters.AddWithValue("$prefix", $"bench-{run}-%");
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
