using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using SessionManagement.Contracts.Gateway;
using SessionManagement.Gateway.Accept;
using SessionManagement.Hosting.Options;

namespace SessionManagement.Bench;

/// <summary>
/// The embedded gateway's accepted-events log alone (no HTTP, no bus): hooks accepted by concurrent callers, each waiting for
/// its group commit, while what was committed is let go of every 500 ms as the dispatcher does once the modules have stored it.
/// </summary>
internal static class AcceptLogBenchmark
{
    public static async Task<int> RunAsync(int events, int concurrency, string work)
    {
        Directory.CreateDirectory(work);
        var folder = Path.Combine(work, "accept-" + Guid.NewGuid().ToString("N")[..8]);
        await using var log = new AcceptedEventLog(Microsoft.Extensions.Options.Options.Create(new StorageOptions { DataDirectory = folder }),
            NullLogger<AcceptedEventLog>.Instance, SessionManagement.Hosting.Security.AtRest.Off);
        await log.OpenAndRecoverAsync(CancellationToken.None);
        using var stop = new CancellationTokenSource();
        var committed = System.Threading.Channels.Channel.CreateUnbounded<long>();
        var forgetting = Task.Run(async () =>
        {
            var done = new List<long>();
            while (!stop.IsCancellationRequested || committed.Reader.TryPeek(out _))
            {
                while (committed.Reader.TryRead(out var sequence))
                    done.Add(sequence);
                await log.ForgetAsync(done, CancellationToken.None);
                done.Clear();
                try
                {
                    await Task.Delay(500, stop.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        });
        var raw = """{"session_id":"bench-accept","hook_event_name":"PostToolUse","cwd":"/work/project","tool_name":"Edit","tool_input":{"file_path":"/work/project/src/app.ts","old_string":"a","new_string":"b"},"tool_response":{"success":true}}""";
        var latencies = new List<double>(events);
        var toSend = events;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            var mine = new List<double>();
            while (Interlocked.Decrement(ref toSend) >= 0)
            {
                var started = Stopwatch.GetTimestamp();
                var accepted = await log.AcceptAsync(new HookEventCaptured(Guid.CreateVersion7(), "bench-accept", "PostToolUse", DateTimeOffset.UtcNow, 1,
                    "host", "user", "/work/project", null, raw), CancellationToken.None);
                committed.Writer.TryWrite(accepted.Sequence);
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            lock (latencies)
                latencies.AddRange(mine);
        })));
        var seconds = clock.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        await forgetting;
        latencies.Sort();
        var left = await log.CountAsync(CancellationToken.None);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| accepted-events log alone, {concurrency} callers | {events} | {events / seconds:0} | {Percentiles.Of(latencies, 50):0.000} | {Percentiles.Of(latencies, 99):0.000} | {left} |"));
        return 0;
    }
}
