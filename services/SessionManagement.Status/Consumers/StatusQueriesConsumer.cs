using System.Globalization;
using MassTransit;
using SessionManagement.Contracts.Status;
using SessionManagement.Status.Storage;
using SessionManagement.Status.Tracking;

namespace SessionManagement.Status.Consumers;

/// <summary>Answers live-status and report requests.</summary>
public sealed class StatusQueriesConsumer(IStatusStore store, TimeProvider time) : IConsumer<GetSessionStatus>, IConsumer<GetReport>
{
    public static readonly TimeSpan IdleAfter = TimeSpan.FromMinutes(10);

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
            s.ToolCalls, s.Errors, s.InputTokens, s.OutputTokens, decimal.Round(s.CostUsd, 4), s.LastSavedAt, s.LastBackupAt, s.BackupFailed, s.Corrupted));
    }

    public async Task Consume(ConsumeContext<GetReport> context)
    {
        var r = context.Message;
        var metrics = r.Kind switch
        {
            "usage" => Metric.Usage,
            "quality" => Metric.Quality,
            _ => [.. Metric.Usage, .. Metric.Quality],
        };
        var rows = await store.ReadAsync(r.Granularity, r.From, r.To, context.CancellationToken);
        var grouped = rows.Where(row => metrics.Contains(row.Metric)).GroupBy(row => r.GroupBy switch
        {
            "project" => row.Project,
            "user" => row.User,
            _ => row.PeriodStart.ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture),
        });
        var report = grouped.OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var values = metrics.ToDictionary(m => m, m => Math.Round(g.Where(row => row.Metric == m).Sum(row => row.Value), 6));
            if (r.Kind != "usage")
                values["corruption_rate"] = values[Metric.Saves] > 0 ? Math.Round(values[Metric.Corruptions] / values[Metric.Saves], 6) : 0;
            return new ReportRow(g.Key, values);
        }).ToList();
        await context.RespondAsync(new ReportReady(r.Kind, r.Granularity, r.GroupBy, r.From, r.To, report));
    }
}
