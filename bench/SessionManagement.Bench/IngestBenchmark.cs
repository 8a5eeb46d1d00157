using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace SessionManagement.Bench;

/// <summary>
/// Streaming ingestion: a generated transcript of the given size imported through the gateway
/// (<c>POST /api/sessions/import</c>): cut into the live path's batches, parsed and stored by chat. The clock
/// runs from the first byte sent to the chat module's last acknowledgement; the host's peak RSS is its VmHWM.
/// </summary>
internal static class IngestBenchmark
{
    public static async Task<int> RunAsync(string gatewayUrl, int hostPid, long megabytes, string workDirectory, string label)
    {
        Directory.CreateDirectory(workDirectory);
        var path = Path.Combine(workDirectory, "transcript.jsonl");
        var sessionId = "bench-ingest-" + Guid.NewGuid().ToString("N")[..8];
        var (bytes, lines) = await TranscriptGenerator.WriteAsync(path, sessionId, megabytes * 1024 * 1024);
        var idle = Rss(hostPid, "VmRSS");

        using var client = new HttpClient { BaseAddress = new Uri(gatewayUrl), Timeout = TimeSpan.FromMinutes(30) };
        await using var file = File.OpenRead(path);
        var content = new StreamContent(file, 1 << 20);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        var (cpu0, machine0) = (HostCpu(hostPid), MachineTicks());
        var clock = Stopwatch.StartNew();
        using var response = await client.PostAsync($"/api/sessions/import?session={sessionId}&name=generated.jsonl", content);
        var body = await response.Content.ReadAsStringAsync();
        clock.Stop();
        var (cpu1, machine1) = (HostCpu(hostPid), MachineTicks());
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"import answered {(int)response.StatusCode}: {body}");
        var result = JsonDocument.Parse(body).RootElement;
        var peak = Rss(hostPid, "VmHWM");
        File.Delete(path);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {label} | {bytes / 1048576.0:F0} MB, {lines:N0} lines | {result.GetProperty("added").GetInt32():N0} stored, {result.GetProperty("invalidLines").GetInt32()} kept raw | {clock.Elapsed.TotalSeconds:F1} s | **{bytes / 1048576.0 / clock.Elapsed.TotalSeconds:F1} MB/s** | {idle / 1024.0:F0} MB | **{peak / 1024.0:F0} MB** | {(cpu1 - cpu0).TotalSeconds:F2} s | {100.0 * (machine1.Idle - machine0.Idle) / (machine1.All - machine0.All):F0} % |"));
        return 0;
    }

    /// <summary>The host's CPU time so far, user and system.</summary>
    private static TimeSpan HostCpu(int pid)
    {
        using var host = Process.GetProcessById(pid);
        return host.TotalProcessorTime;
    }

    /// <summary>The whole machine's clock ticks so far, and those its cores stood idle or waited on the disk (<c>/proc/stat</c>).</summary>
    private static (long All, long Idle) MachineTicks()
    {
        var ticks = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..9].Select(long.Parse).ToArray();
        return (ticks.Sum(), ticks[3] + ticks[4]);
    }

    /// <summary>A /proc/&lt;pid&gt;/status figure in kB (VmRSS now, VmHWM the peak so far).</summary>
    private static long Rss(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        throw new InvalidOperationException($"no {field} for process {pid}");
    }
}
