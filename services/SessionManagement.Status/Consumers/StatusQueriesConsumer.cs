using System.Globalization;
using MassTransit;
using SessionManagement.Contracts.Status;
using SessionManagement.Status.Storage;
using SessionManagement.Status.Tracking;

namespace SessionManagement.Status.Consumers;

/// <summary>Answers live-status, report and backup-run requests.</summary>
public sealed class StatusQueriesConsumer(IStatusStore store, TimeProvider time) : IConsumer<GetSessionStatus>, IConsumer<GetReport>, IConsumer<GetBackupRuns>
{
    public static readonly TimeSpan IdleAfter = TimeSpan.FromMinutes(10);

    /// <inheritdoc cref="ReportRow.UnknownModel"/>
    public const string UnknownModel = ReportRow.UnknownModel;

    public async Task Consume(ConsumeContext<GetSessionStatus> context)
    {
        if (await store.GetAsync(context.Message.SessionId, context.CancellationToken) is not { } s)
        {
            await context.RespondAsync(new SessionStatusUnknown(context.Message.SessionId));
            return;
        }
        var state = s.EndedAt is not null ? "ended" : time.GetUtcNow() - s.LastActivityAt > IdleAfter ? "idle" : "active";
        var started = s.StartedAt == DateTimeOffset.MaxValue ? s.LastActivityAt : s.StartedAt;
        await context.RespondAsync(new SessionStatusFound(s.SessionId, s.ProjectDir, s.Model, state, started, s.LastActivityAt, s.EndedAt, s.Prompts,
            s.ToolCalls, s.Errors, s.InputTokens, s.OutputTokens, decimal.Round(s.CostUsd, 6), s.LastSavedAt, s.LastBackupAt, s.BackupFailed, s.Corrupted,
            Math.Round(((s.EndedAt ?? time.GetUtcNow()) - started).TotalSeconds, 1), s.EventsSaved, s.UnpricedTokens));
    }

    public async Task Consume(ConsumeContext<GetBackupRuns> context) =>
        await context.RespondAsync(new BackupRunsFound(await store.BackupRunsAsync(context.CancellationToken)));

    public async Task Consume(ConsumeContext<GetReport> context)
    {
        var r = context.Message;
        var rows = await RowsAsync(r, context.CancellationToken);
        if (r.Kind == "performance")
        {
            await context.RespondAsync(new ReportReady(r.Kind, r.Granularity, r.GroupBy, r.From, r.To, Performance(rows, r.GroupBy)));
            return;
        }
        var metrics = r.Kind switch
        {
            _ when r.GroupBy == "model" => Metric.ByModel,
            "usage" => Metric.Usage,
            "quality" => Metric.Quality,
            _ => [.. Metric.Usage, .. Metric.Quality],
        };
        var grouped = rows.Where(row => metrics.Contains(row.Metric)).GroupBy(row => Group(row, r.GroupBy));
        var report = grouped.OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var values = metrics.ToDictionary(m => m, m => Math.Round(g.Where(row => row.Metric == m).Sum(row => row.Value), 6));
            if (r.Kind != "usage" && r.GroupBy != "model")
                values["corruption_rate"] = values[Metric.Saves] > 0 ? Math.Round(values[Metric.Corruptions] / values[Metric.Saves], 6) : 0;
            return new ReportRow(g.Key, values);
        }).ToList();
        await context.RespondAsync(new ReportReady(r.Kind, r.Granularity, r.GroupBy, r.From, r.To, report));
    }

    /// <summary>
    /// The report's rows. An hour or a day is rolled up once it is over; the one still open (this hour, today) is totalled from
    /// its minute counters here, so a report shows what happened so far rather than nothing until the period ends.
    /// </summary>
    private async Task<IReadOnlyList<RolledUp>> RowsAsync(GetReport r, CancellationToken cancellationToken)
    {
        var rows = await store.ReadAsync(r.Granularity, r.From, r.To, cancellationToken);
        if (r.Granularity is not ("hour" or "day"))
            return rows;
        var now = time.GetUtcNow().UtcDateTime;
        var open = new DateTimeOffset(r.Granularity == "day" ? now.Date : now.Date.AddHours(now.Hour), TimeSpan.Zero);
        if (open < r.From || open >= r.To)
            return rows;
        var length = r.Granularity == "day" ? TimeSpan.FromDays(1) : TimeSpan.FromHours(1);
        var live = await store.ReadAsync("minute", open, open + length, cancellationToken);
        return [.. rows.Where(row => row.PeriodStart != open), .. live.Select(row => row with { Granularity = r.Granularity, PeriodStart = open })];
    }

    private static string Group(RolledUp row, string groupBy) => groupBy switch
    {
        "project" => row.Project,
        "user" => row.User,
        "model" => row.Model.Length > 0 ? row.Model : UnknownModel,
        _ => row.PeriodStart.ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture),
    };

    /// <summary>Load and save latency percentiles per group, from the bucket counters (each percentile is its bucket's upper bound).</summary>
    private static List<ReportRow> Performance(IReadOnlyList<RolledUp> rows, string groupBy) =>
        rows.Where(row => row.Metric.Contains("_ms_le_", StringComparison.Ordinal) || row.Metric is Metric.Loads or Metric.LoadsMissingParts)
            .GroupBy(row => Group(row, groupBy))
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var values = new Dictionary<string, double>
                {
                    [Metric.Loads] = g.Where(row => row.Metric == Metric.Loads).Sum(row => row.Value),
                    [Metric.LoadsMissingParts] = g.Where(row => row.Metric == Metric.LoadsMissingParts).Sum(row => row.Value),
                };
                foreach (var latency in new[] { "load", "save" })
                {
                    var buckets = Metric.LatencyBucketsMs.Select(bound => (Bound: bound, Count: g.Where(row => row.Metric == Metric.Bucket(latency, bound)).Sum(row => row.Value))).ToList();
                    var total = buckets.Sum(b => b.Count);
                    values[$"{latency}_count"] = total;
                    foreach (var p in new[] { 50, 95, 99 })
                        values[$"{latency}_p{p}_ms"] = total == 0 ? 0 : Percentile(buckets, total * p / 100.0);
                }
                return new ReportRow(g.Key, values);
            }).ToList();

    private static double Percentile(List<(double Bound, double Count)> buckets, double rank)
    {
        double seen = 0;
        foreach (var (bound, count) in buckets)
        {
            seen += count;
            if (seen >= rank)
                return double.IsPositiveInfinity(bound) ? Metric.LatencyBucketsMs[^2] : bound;
        }
        return Metric.LatencyBucketsMs[^2];
    }
}
