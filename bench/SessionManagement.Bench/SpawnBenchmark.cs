using System.Diagnostics;

namespace SessionManagement.Bench;

/// <summary>
/// Spawn-to-exit wall time of sm-hook (gateway up, and spooling with the gateway down) against
/// `/usr/bin/python3 -c pass` and `node -e 0`, interleaved run by run so all see the same machine load.
/// </summary>
internal static class SpawnBenchmark
{
    private sealed record Candidate(string Name, string File, string[] Args, Dictionary<string, string> Environment, string Stdin);

    public static async Task<int> RunAsync(string smHook, string gatewayUrl, string spoolDir, int runs)
    {
        const string hook = """{"session_id":"bench-spawn","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"ls"},"cwd":"/work/project"}""";
        const string statusInput = """{"session_id":"bench-spawn","model":{"display_name":"Opus"},"workspace":{"project_dir":"/work/project"},"context_window":{"used_percentage":40}}""";
        var candidates = new List<Candidate>
        {
            new("sm-hook, gateway up", smHook, [], new() { ["SM_GATEWAY_URL"] = gatewayUrl, ["SM_SPOOL_DIR"] = spoolDir }, hook),
            new("sm-hook statusline, gateway up", smHook, ["statusline"], new() { ["SM_GATEWAY_URL"] = gatewayUrl, ["SM_SPOOL_DIR"] = spoolDir }, statusInput),
            new("sm-hook, gateway down (spooling)", smHook, [], new() { ["SM_GATEWAY_URL"] = "http://127.0.0.1:1", ["SM_SPOOL_DIR"] = spoolDir }, hook),
            new("/usr/bin/python3 -c pass", "/usr/bin/python3", ["-c", "pass"], new(), ""),
            new("node -e 0", "node", ["-e", "0"], new(), ""),
        };
        var samples = candidates.ToDictionary(c => c.Name, _ => new List<double>(runs));
        foreach (var candidate in candidates)
            await TimeOnceAsync(candidate); // warm the page cache
        for (var run = 0; run < runs; run++)
        {
            foreach (var candidate in candidates)
                samples[candidate.Name].Add(await TimeOnceAsync(candidate));
        }
        Console.WriteLine("| command | runs | median ms | p99 ms | min ms | max ms |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var candidate in candidates)
            Console.WriteLine(Percentiles.Row(candidate.Name, samples[candidate.Name]));
        return 0;
    }

    private static async Task<double> TimeOnceAsync(Candidate candidate)
    {
        // Only stdin is a pipe: the others are inherited (bench/run.sh points stderr at /dev/null), to keep the
        // harness's own cost per spawn as small as it can be for every candidate alike.
        // The status line is the one whose output matters: it is read through a pipe, as Claude Code reads it.
        var readsOutput = candidate.Args.Contains("statusline");
        var start = new ProcessStartInfo(candidate.File)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = readsOutput,
            UseShellExecute = false,
        };
        foreach (var arg in candidate.Args)
            start.ArgumentList.Add(arg);
        foreach (var (key, value) in candidate.Environment)
            start.Environment[key] = value;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = readsOutput ? process.StandardOutput.ReadToEndAsync() : Task.FromResult("");
        await process.StandardInput.WriteAsync(candidate.Stdin);
        process.StandardInput.Close();
        await process.WaitForExitAsync();
        await output;
        var elapsed = clock.Elapsed.TotalMilliseconds;
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{candidate.Name} exited {process.ExitCode}");
        return elapsed;
    }
}
