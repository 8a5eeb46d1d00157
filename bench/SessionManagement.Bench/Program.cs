using SessionManagement.Bench;

// bench/run.sh runs these; each prints Markdown rows for docs/benchmarks.md.
string Option(string name, string fallback)
{
    var index = Array.IndexOf(args, "--" + name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
}

return args.FirstOrDefault() switch
{
    "spawn" => await SpawnBenchmark.RunAsync(Option("sm-hook", "artifacts/sm-hook/sm-hook"), Option("gateway", "http://127.0.0.1:4780"),
        Option("spool", Path.Combine(Path.GetTempPath(), "sm-bench-spool")), int.Parse(Option("runs", "300"))),
    "gateway" => await GatewayLoadBenchmark.RunAsync(Option("gateway", "http://127.0.0.1:4780"), int.Parse(Option("requests", "20000")),
        int.Parse(Option("concurrency", "8")), Option("label", "gateway")),
    "persist" => await PersistBenchmark.RunAsync(Option("gateway", "http://127.0.0.1:4780"), Option("db", "session-management.db"),
        int.Parse(Option("events", "50000")), int.Parse(Option("warmup", "20000")), Option("label", "embedded")),
    "ingest" => await IngestBenchmark.RunAsync(Option("gateway", "http://127.0.0.1:4780"), int.Parse(Option("pid", "0")),
        long.Parse(Option("mb", "500")), Option("work", Path.Combine(Path.GetTempPath(), "sm-bench-ingest")), Option("label", "embedded")),
    "ingest-stages" => await IngestStagesBenchmark.RunAsync(long.Parse(Option("mb", "100")), Option("work", Path.Combine(Path.GetTempPath(), "sm-bench-ingest"))),
    "sessionstart" => await SessionStartBenchmark.RunAsync(Option("gateway", "http://127.0.0.1:4780"), int.Parse(Option("messages", "10000")),
        int.Parse(Option("context-kb", "1000")), int.Parse(Option("runs", "200")), Option("label", "embedded")),
    "web" => await WebBenchmark.RunAsync(Option("gateway", "http://127.0.0.1:4780"), Option("chromium", "/usr/bin/chromium"),
        int.Parse(Option("sessions", "100000")), int.Parse(Option("messages", "10000")), int.Parse(Option("runs", "40")),
        Option("work", Path.Combine(Path.GetTempPath(), "sm-bench-web"))),
    "accept" => await AcceptLogBenchmark.RunAsync(int.Parse(Option("events", "100000")), int.Parse(Option("concurrency", "8")),
        Option("work", Path.Combine(Path.GetTempPath(), "sm-bench-accept"))),
    "tree" => await TreeGenerator.RunAsync(Option("out", Path.Combine(Path.GetTempPath(), "sm-bench-tree")), int.Parse(Option("files", "2000")),
        long.Parse(Option("mb", "2000"))),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: bench spawn [--sm-hook PATH] [--gateway URL] [--spool DIR] [--runs N]\n       bench gateway [--gateway URL] [--requests N] [--concurrency N] [--label TEXT]\n       bench persist [--gateway URL] [--db SQLITE FILE] [--events N] [--warmup N] [--label TEXT]\n       bench ingest --pid HOST-PID [--gateway URL] [--mb N] [--work DIR] [--label TEXT]\n       bench sessionstart [--gateway URL] [--messages N] [--context-kb N] [--runs N] [--label TEXT]\n       bench web [--gateway URL] [--chromium PATH] [--sessions N] [--messages N] [--runs N] [--work DIR]\n       bench accept [--events N] [--concurrency N] [--work DIR]\n       bench tree [--out DIR] [--files N] [--mb N]");
    return 2;
}
