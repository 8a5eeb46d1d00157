using System.Diagnostics;
using System.Globalization;
using SessionManagement.Contracts.Status;

namespace SessionManagement.Gateway.Routes;

/// <summary>
/// Whether each kind of backup is being taken, from its last run (<see cref="BackupRunView"/>, kept by the status module): <c>ok</c>;
/// <c>failed</c>, its last run could not back up something; <c>stale</c>, no run without a failure for longer than twice
/// <c>backup_frequency</c> and five minutes (or none since the gateway started that long ago: no scheduler, or no module of that kind
/// running); <c>pending</c>, none yet in a gateway started less long ago. The doctor and the health page say what this says.
/// </summary>
public static class BackupRunStates
{
    /// <summary>Each kind of backup, and the module that takes it.</summary>
    public static readonly IReadOnlyList<(string Kind, string Module)> Kinds =
        [("sessions", "saver"), ("transcripts", "chat"), ("context", "context"), ("audit", "saver")];

    /// <summary>When this process started: a kind that never ran is pending until the schedule has had its time.</summary>
    public static readonly DateTimeOffset StartedAt = Process.GetCurrentProcess().StartTime.ToUniversalTime();

    public sealed record Judged(string Kind, string Module, string State, string Detail, BackupRunView? Run);

    /// <summary>How long without a good run makes a kind stale.</summary>
    public static TimeSpan StaleAfter(TimeSpan every) => every * 2 + TimeSpan.FromMinutes(5);

    public static IReadOnlyList<Judged> Judge(IReadOnlyList<BackupRunView> runs, DateTimeOffset now, TimeSpan every, DateTimeOffset startedAt) =>
        Kinds.Select(k => Judge(k.Kind, k.Module, runs.FirstOrDefault(r => r.Kind == k.Kind), now, every, startedAt)).ToList();

    public static Judged Judge(string kind, string module, BackupRunView? run, DateTimeOffset now, TimeSpan every, DateTimeOffset startedAt)
    {
        var limit = StaleAfter(every);
        if (run is null)
            return now - startedAt < limit
                ? new(kind, module, "pending", $"no run yet: the schedule runs one as it starts, then every {Every(every)}", null)
                : new(kind, module, "stale", $"no run since the gateway started {Span(now - startedAt)} ago: is the {module} module running, and the scheduler?", null);
        if (run.Failed > 0 || run.Problem is not null)
            return new(kind, module, "failed", $"the last run, {Span(now - run.LastRunAt)} ago, could not back up {Count(run.Failed)}: {run.Problem?.TrimEnd('.')}", run);
        if (now - run.LastGoodAt > limit)
            return new(kind, module, "stale", $"last run {Span(now - run.LastRunAt)} ago; backups run every {Every(every)}: is the scheduler running?", run);
        return new(kind, module, "ok", $"last run {Span(now - run.LastRunAt)} ago, {Count(run.Written)} {(run.Written == 1 ? "file" : "files")} written", run);
    }

    private static string Count(int count) => count.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>An interval in its largest whole unit: 1 h, 15 min, 90 s.</summary>
    public static string Every(TimeSpan every) =>
        every.TotalHours >= 1 && every.TotalHours == Math.Floor(every.TotalHours) ? $"{every.TotalHours:0} h"
            : every.TotalMinutes >= 1 && every.TotalMinutes == Math.Floor(every.TotalMinutes) ? $"{every.TotalMinutes:0} min" : $"{every.TotalSeconds:0} s";

    /// <summary>How long ago, as people say it: seconds, minutes, hours, then days.</summary>
    public static string Span(TimeSpan span) => span switch
    {
        { TotalSeconds: < 90 } => $"{Math.Max(0, (int)span.TotalSeconds)} s",
        { TotalMinutes: < 90 } => $"{(int)span.TotalMinutes} min",
        { TotalHours: < 48 } => $"{(int)span.TotalHours} h",
        _ => $"{(int)span.TotalDays} days",
    };
}
