using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using SessionManagement.Contracts.Chat;
using SessionManagement.Contracts.Gateway;
using SessionManagement.Contracts.Saver;
using SessionManagement.Contracts.Scheduler;
using SessionManagement.Contracts.Status;
using SessionManagement.Status.Consumers;
using SessionManagement.Status.Storage;
using SessionManagement.Status.Tracking;
using SessionManagement.Testing;

namespace SessionManagement.Status.Tests;

/// <summary>Live status, counters, roll-ups and reports — the same on both stores.</summary>
public abstract class StatusContract : IAsyncLifetime
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 9, 30, 15, TimeSpan.Zero);

    protected IStatusStore Store { get; private set; } = null!;

    protected static CancellationToken Cancel => TestContext.Current.CancellationToken;

    protected abstract Task<IStatusStore> OpenAsync();

    public virtual async ValueTask InitializeAsync() => Store = await OpenAsync();

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static string NewId() => "st-" + Guid.NewGuid().ToString("N")[..10];

    private static HookEventCaptured Hook(string session, string name, int second, string project) =>
        new(Guid.CreateVersion7(), session, name, At.AddSeconds(second), second, "laptop", "dev", project, null, "{}");

    /// <summary>Chat stored transcript records for the first time, with this usage.</summary>
    private static UsageRecorded Usage(string session, params (long Input, long Output)[] usage) =>
        new(session, At,
            usage.Select(u => new RecordedUsage("claude-opus-4-20250514", At, new TokenUsageView(u.Input, u.Output, 0, 0))).ToList());

    [Fact]
    public async Task When_a_session_runs_Should_track_its_counts_tokens_cost_saves_and_backups_each_once()
    {
        var tracker = new StatusTracker(Store);
        var (s, project) = (NewId(), "/work/" + NewId());
        await tracker.StartedAsync(new SessionStarted(s, Guid.NewGuid(), "startup", project, "claude-opus-4", null, At), Cancel);
        await tracker.HooksAsync([Hook(s, "UserPromptSubmit", 1, project), Hook(s, "PreToolUse", 2, project), Hook(s, "PreToolUse", 3, project),
            Hook(s, "PostToolUseFailure", 4, project), Hook(s, "Notification", 5, project)], Cancel);
        await tracker.UsageAsync(Usage(s, (1_000_000, 100_000)), Cancel);
        await tracker.UsageAsync(Usage(s), Cancel); // records without usage
        await tracker.UsageAsync(Usage(s, (0, 200_000)), Cancel);
        await tracker.SavedAsync(new SessionSaved(s, 3, 6, "c", At.AddSeconds(6)), Cancel);
        await tracker.BackupAsync(s, At.AddMinutes(1), failed: true, Cancel);
        await tracker.BackupAsync(s, At.AddMinutes(2), failed: false, Cancel);
        await tracker.EndedAsync(new SessionEnded(s, "other", At, At.AddMinutes(3), 9), Cancel);

        var status = (await Store.GetAsync(s, Cancel))!;

        Assert.Equal((1L, 2L, 1L), (status.Prompts, status.ToolCalls, status.Errors));
        Assert.Equal((1_000_000L, 300_000L), (status.InputTokens, status.OutputTokens));
        Assert.Equal(15m + 22.5m, status.CostUsd); // opus: $15 per million in, $75 per million out
        Assert.Equal((At, At.AddMinutes(3), At.AddSeconds(6), At.AddMinutes(2), false), (status.StartedAt, status.EndedAt, status.LastSavedAt, status.LastBackupAt, status.BackupFailed));
    }

    [Fact]
    public async Task When_counts_come_for_an_hour_and_a_day_already_closed_Should_total_those_periods_again_at_once()
    {
        var tracker = new StatusTracker(Store);
        var s = NewId();
        var twoDaysAgo = DateTimeOffset.UtcNow.AddDays(-2);
        var hour = new DateTimeOffset(twoDaysAgo.Year, twoDaysAgo.Month, twoDaysAgo.Day, twoDaysAgo.Hour, 0, 0, TimeSpan.Zero);
        var day = hour.AddHours(-hour.Hour);
        await Store.RollUpAsync("hour", hour, hour.AddHours(1), Cancel); // the schedule totalled them when they closed: nothing then
        await Store.RollUpAsync("day", day, day.AddDays(1), Cancel);

        // An imported session of two days ago: its replies' usage comes now.
        await tracker.UsageAsync(new UsageRecorded(s, DateTimeOffset.UtcNow,
            [new RecordedUsage("claude-opus-4-20250514", hour.AddMinutes(10), new TokenUsageView(1_000, 200, 0, 0)),
             new RecordedUsage("claude-opus-4-20250514", hour.AddMinutes(50), new TokenUsageView(3_000, 800, 0, 0))]), Cancel);

        var hours = await Store.ReadAsync("hour", hour, hour.AddHours(1), Cancel);
        var days = await Store.ReadAsync("day", day, day.AddDays(1), Cancel);
        Assert.Equal(4_000, hours.Where(r => r.Metric == Metric.InputTokens).Sum(r => r.Value));
        Assert.Equal(1_000, days.Where(r => r.Metric == Metric.OutputTokens).Sum(r => r.Value));
    }

    [Fact]
    public async Task When_late_counts_keep_coming_for_closed_periods_Should_add_them_to_what_was_totalled_and_total_a_period_never_totalled_from_all_its_minutes()
    {
        var day = new DateTimeOffset(2025, 1 + Random.Shared.Next(12), 1 + Random.Shared.Next(27), 0, 0, 0, TimeSpan.Zero); // no other test's
        var (totalled, missed) = (day.AddHours(9), day.AddHours(14));
        var project = "/work/" + NewId();
        Counter Input(DateTimeOffset minute, double value) => new(minute, project, "dev", "claude-opus-4-5", Metric.InputTokens, value);

        // Counted while each hour was open; the schedule totalled the first hour when it closed and missed the second (and the day).
        await Store.SaveAsync([], [Input(totalled.AddMinutes(5), 100)], totalled.AddMinutes(6), Cancel);
        await Store.SaveAsync([], [Input(missed.AddMinutes(5), 1_000)], missed.AddMinutes(6), Cancel);
        await Store.RollUpAsync("hour", totalled, totalled.AddHours(1), Cancel);

        // An import brings both hours more, in three batches.
        var tracker = new StatusTracker(Store);
        var sent = new List<(DateTimeOffset At, long Input)>();
        for (var batch = 0; batch < 3; batch++)
        {
            var usage = new[] { (totalled.AddMinutes(10 + batch), 10L + batch), (missed.AddMinutes(20 + batch), 20L + batch), (totalled.AddMinutes(59), 1L) };
            sent.AddRange(usage);
            var session = NewId();
            await tracker.StartedAsync(new SessionStarted(session, Guid.NewGuid(), "startup", project, null, null, day), Cancel);
            await tracker.UsageAsync(new UsageRecorded(session, DateTimeOffset.UtcNow,
                usage.Select(u => new RecordedUsage("claude-opus-4-5", u.Item1, new TokenUsageView(u.Item2, 0, 0, 0))).ToList()), Cancel);
        }

        double Rolled(IEnumerable<RolledUp> rows) => rows.Where(r => r.Project == project && r.Metric == Metric.InputTokens).Sum(r => r.Value);
        var expected = (Totalled: 100 + sent.Where(u => u.At < totalled.AddHours(1)).Sum(u => u.Input), Missed: 1_000 + sent.Where(u => u.At >= missed).Sum(u => u.Input));
        var hours = (Rolled(await Store.ReadAsync("hour", totalled, totalled.AddHours(1), Cancel)), Rolled(await Store.ReadAsync("hour", missed, missed.AddHours(1), Cancel)));
        var wholeDay = Rolled(await Store.ReadAsync("day", day, day.AddDays(1), Cancel));
        Assert.Equal((136.0, 1_063.0), expected); // the test's own sums: 100 + 10 + 11 + 12 + 3, 1,000 + 20 + 21 + 22
        Assert.Equal(((double)expected.Totalled, (double)expected.Missed), hours);
        Assert.Equal(expected.Totalled + expected.Missed, wholeDay);

        // The schedule totalling them again from their minutes comes to the same.
        await Store.RollUpAsync("hour", totalled, totalled.AddHours(1), Cancel);
        await Store.RollUpAsync("day", day, day.AddDays(1), Cancel);
        Assert.Equal(hours.Item1, Rolled(await Store.ReadAsync("hour", totalled, totalled.AddHours(1), Cancel)));
        Assert.Equal(wholeDay, Rolled(await Store.ReadAsync("day", day, day.AddDays(1), Cancel)));
    }

    [Fact]
    public async Task When_many_changes_arrive_at_once_Should_write_them_together_and_lose_none()
    {
        var tracker = new StatusTracker(Store);
        var (s, other, project) = (NewId(), NewId(), "/work/" + NewId());

        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => i % 4 == 3
            ? tracker.SavedAsync(new SessionSaved(s, i, i, "c", At.AddSeconds(i)), Cancel)
            : tracker.HooksAsync([Hook(s, "UserPromptSubmit", i, project), Hook(other, "PreToolUse", i, project)], Cancel)));

        var (status, second) = ((await Store.GetAsync(s, Cancel))!, (await Store.GetAsync(other, Cancel))!);
        Assert.Equal((150L, 150L, At.AddSeconds(199)), (status.Prompts, second.ToolCalls, status.LastSavedAt));
        var counts = await Store.ReadAsync("minute", At.AddHours(-1), At.AddHours(1), Cancel);
        Assert.Equal(150, counts.Where(c => c.Project == project && c.Metric == Metric.Prompts).Sum(c => c.Value));
        Assert.Equal(50, counts.Where(c => c.Project == project && c.Metric == Metric.Saves).Sum(c => c.Value));
    }

    [Fact]
    public async Task When_hooks_are_handed_over_again_Should_count_each_once_until_it_is_forgotten()
    {
        var (s, project) = (NewId(), "/work/" + NewId());
        HookEventCaptured[] hooks = [Hook(s, "UserPromptSubmit", 1, project), Hook(s, "PreToolUse", 2, project), Hook(s, "StopFailure", 3, project),
            Hook(s, "Notification", 4, project)];
        var tracker = new StatusTracker(Store);
        await tracker.HooksAsync(hooks, Cancel);
        // After a restart (a new tracker, nothing in memory) the gateway hands every module what one had not stored: the same hooks,
        // alone, twice at once, and among new ones.
        var restarted = new StatusTracker(Store);
        await Task.WhenAll(restarted.HooksAsync(hooks, Cancel), restarted.HooksAsync(hooks, Cancel));
        await restarted.HooksAsync([hooks[0], Hook(s, "UserPromptSubmit", 5, project), hooks[0]], Cancel);
        var once = (await Store.GetAsync(s, Cancel))!;
        var minutes = await Store.ReadAsync("minute", At.AddHours(-1), At.AddHours(1), Cancel);
        await Store.ForgetCountedAsync(DateTimeOffset.UtcNow.AddMinutes(1), Cancel); // the hooks' ids are of now: every one forgotten
        await new StatusTracker(Store).HooksAsync([hooks[0]], Cancel);
        var forgotten = (await Store.GetAsync(s, Cancel))!;

        Assert.Equal((2L, 1L, 1L), (once.Prompts, once.ToolCalls, once.Errors)); // the test sent 2 prompts, 1 tool call, 1 failure
        Assert.Equal(2, minutes.Where(m => m.Project == project && m.Metric == Metric.Prompts).Sum(m => m.Value));
        Assert.Equal(3L, forgotten.Prompts);
    }

    [Fact]
    public async Task When_a_usage_report_comes_again_Should_count_it_once_and_a_batch_given_again_after_a_failure_only_what_it_had_not()
    {
        var tracker = new StatusTracker(Store);
        var (s, project) = (NewId(), "/work/" + NewId());
        await tracker.StartedAsync(new SessionStarted(s, Guid.NewGuid(), "startup", project, "claude-opus-4", null, At), Cancel);
        UsageRecorded Report(long output) => Usage(s, (0, output)) with { UsageId = Guid.CreateVersion7() };
        var (first, second, third) = (Report(1), Report(10), Report(100));
        var broken = new UsageRecorded(s, At, null!, UsageId: Guid.CreateVersion7()); // its change throws

        await tracker.UsageAsync(first, Cancel);
        await tracker.UsageAsync(first, Cancel); // redelivered by the broker
        // A batch with a report that fails: the batch fails, and is given again whole, as a consumer's retry does.
        await Assert.ThrowsAnyAsync<Exception>(() => tracker.UsageAsync([second, broken, third], Cancel));
        await Assert.ThrowsAnyAsync<Exception>(() => tracker.UsageAsync([second, broken, third], Cancel));
        // A report of an older chat, without an id: counted each time, as before.
        await tracker.UsageAsync(Usage(s, (0, 1_000)), Cancel);
        await tracker.UsageAsync(Usage(s, (0, 1_000)), Cancel);

        // The test sent 1 + 10 + 100 output tokens once each, and 1,000 twice.
        Assert.Equal(2_111L, (await Store.GetAsync(s, Cancel))!.OutputTokens);
        var minute = Counter.MinuteOf(At);
        Assert.Equal(2_111, (await Store.ReadAsync("minute", minute, minute.AddMinutes(1), Cancel))
            .Where(r => r.Project == project && r.Metric == Metric.OutputTokens).Sum(r => r.Value));
    }

    [Fact]
    public async Task When_one_change_of_those_written_together_fails_Should_fail_only_its_own_message()
    {
        var tracker = new StatusTracker(Store);
        var (s, project) = (NewId(), "/work/" + NewId());
        var broken = new UsageRecorded(s, At, null!); // its change throws

        var changes = Enumerable.Range(0, 40).Select(i => i == 20
            ? tracker.UsageAsync(broken, Cancel)
            : tracker.HooksAsync([Hook(s, "UserPromptSubmit", i, project)], Cancel)).ToList();

        await Assert.ThrowsAnyAsync<Exception>(() => changes[20]);
        await Task.WhenAll(changes.Where((_, i) => i != 20));
        Assert.Equal(39L, (await Store.GetAsync(s, Cancel))!.Prompts);
    }

    [Fact]
    public async Task When_periods_are_rolled_up_and_reported_Should_total_them_by_period_project_and_user_the_same_every_time()
    {
        var tracker = new StatusTracker(Store);
        var (a, b) = (NewId(), NewId());
        var (p1, p2) = ("/work/" + NewId(), "/work/" + NewId());
        await tracker.HooksAsync([Hook(a, "UserPromptSubmit", 1, p1), Hook(a, "UserPromptSubmit", 70, p1), Hook(b, "UserPromptSubmit", 2, p2),
            Hook(a, "PostToolUseFailure", 3, p1)], Cancel);
        var hour = new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

        await Store.RollUpAsync("hour", hour, hour.AddHours(1), Cancel);
        await Store.RollUpAsync("hour", hour, hour.AddHours(1), Cancel);
        var rows = (await Store.ReadAsync("hour", hour, hour.AddHours(1), Cancel)).Where(r => r.Project == p1 || r.Project == p2).ToList();
        var minutes = (await Store.ReadAsync("minute", hour, hour.AddHours(1), Cancel)).Where(r => r.Project == p1).ToList();

        Assert.Equal([(p1, 2.0), (p2, 1.0)], rows.Where(r => r.Metric == Metric.Prompts).OrderBy(r => r.Project == p2).Select(r => (r.Project, r.Value)));
        Assert.Equal(2, minutes.Count(r => r.Metric == Metric.Prompts));

        await using var provider = new ServiceCollection().AddSingleton(Store).AddSingleton(TimeProvider.System)
            .AddMassTransitTestHarness(bus => bus.AddConsumer<StatusQueriesConsumer>()).BuildServiceProvider(true);
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        var report = (await harness.GetRequestClient<GetReport>().GetResponse<ReportReady>(new GetReport("usage", "hour", "project", hour, hour.AddHours(1)), Cancel)).Message;
        var quality = (await harness.GetRequestClient<GetReport>().GetResponse<ReportReady>(new GetReport("quality", "minute", "period", hour, hour.AddHours(1)), Cancel)).Message;

        Assert.Equal(2.0, report.Rows.Single(r => r.Group == p1).Metrics[Metric.Prompts]);
        Assert.DoesNotContain(Metric.Errors, report.Rows[0].Metrics.Keys);
        Assert.Contains("corruption_rate", quality.Rows[0].Metrics.Keys);
        Assert.True(quality.Rows.Sum(r => r.Metrics[Metric.Errors]) >= 1);
    }

    [Fact]
    public async Task When_responses_come_from_several_models_Should_report_tokens_and_cost_per_model()
    {
        var hour = new DateTimeOffset(2030, 3, 1 + Random.Shared.Next(27), 10, 0, 0, TimeSpan.Zero); // a period no other test writes in
        var tracker = new StatusTracker(Store);
        var (a, b) = (NewId(), NewId());
        var private1 = "claude-private-" + NewId(); // a model without a price
        await tracker.StartedAsync(new SessionStarted(a, Guid.NewGuid(), "startup", "/work/" + NewId(), "claude-sonnet-4-5-20250929", null, hour), Cancel);
        await tracker.StartedAsync(new SessionStarted(b, Guid.NewGuid(), "startup", "/work/" + NewId(), null, null, hour), Cancel);
        RecordedUsage Reply(string? model, int minute, long input, long output, long write, long read) =>
            new(model, hour.AddMinutes(minute), new TokenUsageView(input, output, write, read));
        await tracker.UsageAsync(new UsageRecorded(a, hour, [Reply("claude-sonnet-4-5-20250929", 1, 1_000, 2_000, 30_000, 150_000),
            Reply("claude-haiku-4-5-20251001", 1, 500, 100, 0, 0), Reply(null, 2, 10, 20, 0, 0)]), Cancel); // no model named: the session's
        await tracker.UsageAsync(new UsageRecorded(b, hour, [Reply("claude-haiku-4-5-20251001", 3, 2_000, 300, 0, 0),
            Reply(private1, 4, 7, 8, 0, 0)]), Cancel);
        await Store.RollUpAsync("hour", hour, hour.AddHours(1), Cancel);
        await Store.RollUpAsync("hour", hour, hour.AddHours(1), Cancel);

        await using var provider = new ServiceCollection().AddSingleton(Store).AddSingleton(TimeProvider.System)
            .AddMassTransitTestHarness(bus => bus.AddConsumer<StatusQueriesConsumer>()).BuildServiceProvider(true);
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        var client = harness.GetRequestClient<GetReport>();
        var byModel = (await client.GetResponse<ReportReady>(new GetReport("usage", "hour", "model", hour, hour.AddHours(1)), Cancel)).Message.Rows
            .ToDictionary(r => r.Group);
        var byMinute = (await client.GetResponse<ReportReady>(new GetReport("usage", "minute", "model", hour, hour.AddHours(1)), Cancel)).Message.Rows;
        var total = (await client.GetResponse<ReportReady>(new GetReport("usage", "hour", "period", hour, hour.AddHours(1)), Cancel)).Message.Rows.Single();

        // Sonnet 4.5: $3 in, $15 out, $3.75 cache writes, $0.30 cache reads per million (under 200,000 of each); Haiku 4.5: $1, $5, $1.25, $0.10.
        Assert.Equal(new[] { private1, "claude-haiku-4-5-20251001", "claude-sonnet-4-5-20250929" }.Order(StringComparer.Ordinal), byModel.Keys.Order(StringComparer.Ordinal));
        Assert.Equal((1_010.0, 2_020.0, 30_000.0, 150_000.0), Tokens(byModel["claude-sonnet-4-5-20250929"]));
        Assert.Equal((3m * 1_010 + 15m * 2_020 + 3.75m * 30_000 + 0.3m * 150_000) / 1_000_000m, decimal.Round((decimal)byModel["claude-sonnet-4-5-20250929"].Metrics[Metric.CostUsd], 6));
        Assert.Equal((2_500.0, 400.0, 0.0, 0.0), Tokens(byModel["claude-haiku-4-5-20251001"]));
        Assert.Equal((1m * 2_500 + 5m * 400) / 1_000_000m, decimal.Round((decimal)byModel["claude-haiku-4-5-20251001"].Metrics[Metric.CostUsd], 6));
        Assert.Equal((0.0, 15.0), (byModel[private1].Metrics[Metric.CostUsd], byModel[private1].Metrics[Metric.UnpricedTokens]));
        Assert.DoesNotContain(Metric.Prompts, byModel[private1].Metrics.Keys); // only what is counted per model
        Assert.Equal(byModel.Values.Sum(r => r.Metrics[Metric.OutputTokens]), total.Metrics[Metric.OutputTokens]);
        Assert.Equal(byModel.Values.Sum(r => r.Metrics[Metric.OutputTokens]), byMinute.Sum(r => r.Metrics[Metric.OutputTokens]));

        // Each session says how much of it has no price: b's cost is its Haiku reply's alone, and 15 of its tokens are in none.
        var sessions = harness.GetRequestClient<GetSessionStatus>();
        var (priced, part) = ((await sessions.GetResponse<SessionStatusFound>(new GetSessionStatus(a), Cancel)).Message,
            (await sessions.GetResponse<SessionStatusFound>(new GetSessionStatus(b), Cancel)).Message);
        Assert.Equal((0L, (1_000L + 30_000 + 150_000 + 2_000) + (500 + 100) + (10 + 20)), (priced.UnpricedTokens, priced.InputTokens + priced.OutputTokens));
        Assert.Equal((15L, (1m * 2_000 + 5m * 300) / 1_000_000m), (part.UnpricedTokens, part.CostUsd));
    }

    /// <summary>
    /// A store holding 120 output tokens of <paramref name="hour"/> counted before models were (minute and hour alike): they read as
    /// no model's, and 30 of a model counted after stand beside them once the hour is totalled again, neither counted twice.
    /// </summary>
    protected static async Task AssertKeptBesideCountsPerModelAsync(IStatusStore store, DateTimeOffset hour)
    {
        var kept = await store.ReadAsync("hour", hour, hour.AddHours(1), Cancel);
        await store.SaveAsync([], [new Counter(hour.AddMinutes(5), "/work/p", "dev", "claude-haiku-4-5", Metric.OutputTokens, 30)], hour, Cancel);
        await store.RollUpAsync("hour", hour, hour.AddHours(1), Cancel);
        var rolled = await store.ReadAsync("hour", hour, hour.AddHours(1), Cancel);

        Assert.Equal([("", 120.0)], kept.Select(r => (r.Model, r.Value)));
        Assert.Equal([("", 120.0), ("claude-haiku-4-5", 30.0)], rolled.OrderBy(r => r.Model, StringComparer.Ordinal).Select(r => (r.Model, r.Value)));
    }

    private static (double, double, double, double) Tokens(ReportRow row) =>
        (row.Metrics[Metric.InputTokens], row.Metrics[Metric.OutputTokens], row.Metrics[Metric.CacheCreationTokens], row.Metrics[Metric.CacheReadTokens]);

    [Fact]
    public async Task When_the_hour_and_the_day_are_not_over_Should_report_them_so_far_from_their_minutes()
    {
        var now = At.AddMinutes(5); // the hooks below are at At and a few seconds: in the hour and the day still open
        var tracker = new StatusTracker(Store);
        var (a, b) = (NewId(), NewId());
        var project = "/work/" + NewId();
        await tracker.HooksAsync([Hook(a, "UserPromptSubmit", 1, project), Hook(a, "UserPromptSubmit", 70, project), Hook(b, "UserPromptSubmit", 2, project)], Cancel);
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(now);
        await using var provider = new ServiceCollection().AddSingleton(Store).AddSingleton<TimeProvider>(clock)
            .AddMassTransitTestHarness(bus => bus.AddConsumer<StatusQueriesConsumer>()).BuildServiceProvider(true);
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        var client = harness.GetRequestClient<GetReport>();
        var day = new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);

        // Nothing rolled up yet: the open hour and the open day are totalled from the three hooks' minutes.
        var hourly = (await client.GetResponse<ReportReady>(new GetReport("usage", "hour", "project", day, day.AddDays(1)), Cancel)).Message;
        var daily = (await client.GetResponse<ReportReady>(new GetReport("usage", "day", "period", day.AddDays(-7), day.AddDays(1)), Cancel)).Message;
        Assert.Equal(3.0, hourly.Rows.Single(r => r.Group == project).Metrics[Metric.Prompts]);
        Assert.True(daily.Rows.Single(r => r.Group.StartsWith("2026-11-24", StringComparison.Ordinal)).Metrics[Metric.Prompts] >= 3.0);

        // Once the day is over and rolled up, the same day comes from its roll-up, not twice.
        clock.SetUtcNow(day.AddDays(1).AddMinutes(5));
        await Store.RollUpAsync("day", day, day.AddDays(1), Cancel);
        var after = (await client.GetResponse<ReportReady>(new GetReport("usage", "day", "project", day, day.AddDays(1)), Cancel)).Message;
        Assert.Equal(3.0, after.Rows.Single(r => r.Group == project).Metrics[Metric.Prompts]);
    }

    [Fact]
    public async Task When_a_session_is_deleted_Should_forget_its_live_status_and_keep_its_counts()
    {
        var tracker = new StatusTracker(Store);
        var (gone, kept, project) = (NewId(), NewId(), "/work/" + NewId());
        foreach (var s in new[] { gone, kept })
            await tracker.HooksAsync([Hook(s, "UserPromptSubmit", 1, project)], Cancel);

        await tracker.ForgetAsync(gone, Cancel);
        await tracker.HooksAsync([Hook(kept, "UserPromptSubmit", 2, project)], Cancel); // written after, with the tracker's cache

        Assert.Null(await Store.GetAsync(gone, Cancel));
        Assert.Equal(2L, (await Store.GetAsync(kept, Cancel))!.Prompts);
        var minute = Counter.MinuteOf(At);
        var prompts = (await Store.ReadAsync("minute", minute, minute.AddMinutes(1), Cancel)).Where(r => r.Project == project && r.Metric == Metric.Prompts).Sum(r => r.Value);
        Assert.Equal(3, prompts); // the counts stay: totals, no content
    }

    [Fact]
    public async Task When_backup_runs_end_Should_keep_each_kinds_last_with_when_it_last_ran_without_a_failure()
    {
        await using var provider = new ServiceCollection().AddSingleton(Store).AddSingleton(TimeProvider.System).AddSingleton(new StatusTracker(Store))
            .AddMassTransitTestHarness(bus =>
            {
                bus.AddConsumer<StatusEventsConsumer>();
                bus.AddConsumer<StatusQueriesConsumer>();
            }).BuildServiceProvider(true);
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        var consumed = harness.GetConsumerHarness<StatusEventsConsumer>();
        var sent = 0;
        async Task RanAsync(string kind, int minute, int written, int failed = 0, string? problem = null)
        {
            await harness.Bus.Publish(new BackupsRan(Guid.NewGuid(), kind, "/backups/" + kind, At.AddMinutes(minute), written, failed, problem), Cancel);
            sent++;
            Assert.True(await consumed.Consumed.Any<BackupsRan>(m => m.Context.Message.At == At.AddMinutes(minute) && m.Context.Message.Kind == kind, Cancel));
        }

        await RanAsync("transcripts", 0, 3);
        await RanAsync("sessions", 0, 2);
        await RanAsync("transcripts", 60, 0, 2, "the transcripts of session s1: No space left on device");
        await RanAsync("transcripts", 30, 5); // an older run, delivered late
        await RanAsync("sessions", 60, 0);
        var runs = (await harness.GetRequestClient<GetBackupRuns>().GetResponse<BackupRunsFound>(new GetBackupRuns(), Cancel)).Message.Runs;

        Assert.Equal(5, sent);
        Assert.Equal(["sessions", "transcripts"], runs.Select(r => r.Kind));
        Assert.Equal(new BackupRunView("sessions", "/backups/sessions", At.AddMinutes(60), 0, 0, null, At.AddMinutes(60)), runs[0]);
        // The failed run is the last; the last without a failure is the one before it, not the late one.
        Assert.Equal(new BackupRunView("transcripts", "/backups/transcripts", At.AddMinutes(60), 0, 2, "the transcripts of session s1: No space left on device",
            At), runs[1]);
    }

    [Fact]
    public async Task When_an_import_summarizes_many_sessions_and_their_usage_at_once_Should_keep_what_each_says_in_fewer_writes()
    {
        var (store, calls) = CountingProxy<IStatusStore>.Wrap(Store);
        await using var provider = new ServiceCollection().AddSingleton(store).AddSingleton(TimeProvider.System).AddSingleton(new StatusTracker(store))
            .AddSingleton(Microsoft.Extensions.Options.Options.Create(new SessionManagement.Hosting.Options.PerformanceOptions()))
            .AddMassTransitTestHarness(bus => bus.AddConsumer<StatusEventsConsumer, StatusEventsConsumerDefinition>()).BuildServiceProvider(true);
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        var sessions = Enumerable.Range(0, 30).Select(_ => NewId()).ToList();

        // An import of 30 files, each summarized as its last batch is stored: 2 prompts and a tool call, 9:30:15 to 9:35:15.
        await harness.Bus.PublishBatch(sessions.Select(s => new TranscriptSummarized(s, At, At.AddMinutes(5), "/work/" + s, "claude-opus-4", 2, 1, 3,
            ImportedBy: "ben")), Cancel);

        var kept = await Eventually.ReturnsAsync(async () =>
        {
            var statuses = new List<LiveStatus?>();
            foreach (var session in sessions)
                statuses.Add(await Store.GetAsync(session, Cancel));
            return statuses;
        }, statuses => statuses.All(s => s is not null), TimeSpan.FromSeconds(60), "every imported session's status");
        Assert.All(kept, status => Assert.Equal(("/work/" + status!.SessionId, "ben", "claude-opus-4", 2L, 1L, (DateTimeOffset?)At.AddMinutes(5)),
            (status.ProjectDir, status.User, status.Model, status.Prompts, status.ToolCalls, status.EndedAt)));
        var writes = calls.GetValueOrDefault(nameof(IStatusStore.SaveAsync));
        Assert.InRange(writes, 1, sessions.Count / 2);

        // Then each file's usage, as chat reports it once its lines are stored.
        await harness.Bus.PublishBatch(sessions.Select(s => Usage(s, (1_000, 50)) with { UsageId = Guid.CreateVersion7() }), Cancel);

        await Eventually.ReturnsAsync(async () =>
        {
            var tokens = new List<long>();
            foreach (var session in sessions)
                tokens.Add((await Store.GetAsync(session, Cancel))!.OutputTokens);
            return tokens;
        }, tokens => tokens.All(t => t == 50), TimeSpan.FromSeconds(60), "every imported session's usage");
        Assert.InRange(calls.GetValueOrDefault(nameof(IStatusStore.SaveAsync)) - writes, 1, sessions.Count / 2);
        Assert.False(await harness.Published.Any<Fault>(Cancel));
    }

    [Fact]
    public async Task When_asked_for_a_session_it_never_saw_Should_say_so()
    {
        await using var provider = new ServiceCollection().AddSingleton(Store).AddSingleton(TimeProvider.System)
            .AddMassTransitTestHarness(bus => bus.AddConsumer<StatusQueriesConsumer>()).BuildServiceProvider(true);
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();

        var response = await harness.GetRequestClient<GetSessionStatus>().GetResponse<SessionStatusFound, SessionStatusUnknown>(new GetSessionStatus(NewId()), Cancel);

        Assert.True(response.Is(out Response<SessionStatusUnknown>? _));
    }

    [Fact]
    public async Task When_loads_and_saves_are_timed_Should_report_their_latency_percentiles()
    {
        var tracker = new StatusTracker(Store);
        var s = NewId();
        foreach (var ms in new[] { 3.0, 8, 40, 40, 900 })
            await tracker.ContextServedAsync(new SessionManagement.Contracts.Loader.ContextServed(s, "startup", ms, false, ms > 500 ? ["chat"] : [], At), Cancel);
        await tracker.SavedAsync(new SessionSaved(s, 1, 1, "c", At, 2), Cancel);
        await using var provider = new ServiceCollection().AddSingleton(Store).AddSingleton(TimeProvider.System)
            .AddMassTransitTestHarness(bus => bus.AddConsumer<StatusQueriesConsumer>()).BuildServiceProvider(true);
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        var minute = Counter.MinuteOf(At);

        var report = (await harness.GetRequestClient<GetReport>().GetResponse<ReportReady>(
            new GetReport("performance", "minute", "period", minute, minute.AddMinutes(1)), Cancel)).Message;

        var row = Assert.Single(report.Rows).Metrics;
        Assert.True(row["loads"] >= 5 && row["load_count"] >= 5);
        Assert.Equal((50.0, 1000.0, 2.0), (row["load_p50_ms"], row["load_p99_ms"], row["save_p50_ms"]));
        Assert.True(row["loads_missing_parts"] >= 1);
    }
}
