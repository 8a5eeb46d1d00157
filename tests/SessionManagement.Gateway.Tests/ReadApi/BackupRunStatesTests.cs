using SessionManagement.Contracts.Status;
using SessionManagement.Gateway.Routes;

namespace SessionManagement.Gateway.Tests.ReadApi;

/// <summary>
/// What the doctor and the health page make of each kind's last backup run, at times the test sets: a run without failures within twice
/// the schedule's interval and five minutes is ok, one older is stale, a kind that never ran is pending for as long after the start.
/// </summary>
public sealed class BackupRunStatesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Hourly = TimeSpan.FromHours(1);

    private static BackupRunView Run(string kind, TimeSpan ago, int failed = 0, string? problem = null, TimeSpan? goodAgo = null) =>
        new(kind, "/backups", Now - ago, 2, failed, problem, failed > 0 ? (goodAgo is { } g ? Now - g : null) : Now - ago);

    [Fact]
    public void When_runs_are_judged_Should_say_ok_failed_stale_or_pending_by_the_schedule_and_the_start()
    {
        var upLong = Now.AddDays(-1);
        var upJustNow = Now.AddMinutes(-10);

        var judged = BackupRunStates.Judge(
            [Run("sessions", TimeSpan.FromMinutes(30)), Run("transcripts", TimeSpan.FromMinutes(2), 3, "the transcripts of session s1: No space left on device."),
                Run("context", TimeSpan.FromMinutes(126))], Now, Hourly, upLong);
        var justStarted = BackupRunStates.Judge([], Now, Hourly, upJustNow);
        var neverSince = BackupRunStates.Judge([], Now, Hourly, upLong);
        var atTheEdge = BackupRunStates.Judge([Run("sessions", TimeSpan.FromMinutes(124))], Now, Hourly, upLong);

        Assert.Equal([("sessions", "saver", "ok"), ("transcripts", "chat", "failed"), ("context", "context", "stale"), ("audit", "saver", "stale")],
            judged.Select(j => (j.Kind, j.Module, j.State)));
        Assert.Equal("last run 30 min ago, 2 files written", judged[0].Detail);
        Assert.Equal("the last run, 2 min ago, could not back up 3: the transcripts of session s1: No space left on device", judged[1].Detail);
        Assert.Equal("last run 2 h ago; backups run every 1 h: is the scheduler running?", judged[2].Detail);
        Assert.Equal("no run since the gateway started 24 h ago: is the saver module running, and the scheduler?", judged[3].Detail);
        Assert.All(justStarted, j => Assert.Equal("pending", j.State));
        Assert.All(neverSince, j => Assert.Equal("stale", j.State));
        Assert.Equal("ok", atTheEdge[0].State); // 2 h 4 min: within twice the hour and five minutes
    }
}
