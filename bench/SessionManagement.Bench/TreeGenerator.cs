namespace SessionManagement.Bench;

/// <summary>
/// <c>bench tree</c>: a projects tree as Claude Code leaves it, for <c>smctl import</c>: transcripts of about the same size in Claude
/// Code's shape (<see cref="TranscriptGenerator"/>, each with its own seed) under eight project folders, one in ten of them a
/// subagent's (<c>&lt;session&gt;/subagents/agent-&lt;id&gt;.jsonl</c>) beside its session's own.
/// </summary>
internal static class TreeGenerator
{
    public static async Task<int> RunAsync(string root, int files, long megabytes)
    {
        if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any())
        {
            Console.Error.WriteLine($"bench tree: {root} is not empty");
            return 2;
        }
        var each = megabytes * 1_000_000 / Math.Max(1, files);
        long bytes = 0, lines = 0;
        string? session = null, project = null;
        var paths = new List<(string Path, string Session, int Seed)>(files);
        for (var i = 0; i < files; i++)
        {
            if (i % 10 == 9 && session is not null)
                paths.Add((Path.Combine(project!, session, "subagents", $"agent-{Guid.NewGuid():N}.jsonl"), session, i));
            else
            {
                (session, project) = (Guid.NewGuid().ToString(), Path.Combine(root, $"-home-dev-work-shop{i % 8}"));
                paths.Add((Path.Combine(project, session + ".jsonl"), session, i));
            }
        }
        await Parallel.ForEachAsync(paths, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, async (file, _) =>
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file.Path)!);
            var (written, count) = await TranscriptGenerator.WriteAsync(file.Path, file.Session, each, seed: file.Seed);
            Interlocked.Add(ref bytes, written);
            Interlocked.Add(ref lines, count);
        });
        Console.WriteLine($"{files} transcripts ({paths.Count(p => p.Path.Contains("/subagents/", StringComparison.Ordinal))} of subagents), "
            + $"{bytes / 1_000_000} MB, {lines:N0} lines ({bytes / Math.Max(1, lines):N0} bytes a line) under {root}");
        return 0;
    }
}
