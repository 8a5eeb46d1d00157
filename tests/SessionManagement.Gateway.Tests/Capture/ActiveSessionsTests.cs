using Microsoft.Extensions.Time.Testing;
using SessionManagement.Gateway.Capture;

namespace SessionManagement.Gateway.Tests.Capture;

public sealed class ActiveSessionsTests
{
    [Fact]
    public void When_a_SessionEnd_is_captured_late_from_the_spool_Should_end_the_session_and_stop_polling_it_after_the_final_sweep()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
        var sessions = new ActiveSessions(clock);
        var endedAt = clock.GetUtcNow().AddMinutes(-10); // the hook's own time: it waited in the spool
        sessions.Seen("s-1", "UserPromptSubmit", "/t/s-1.jsonl", "h", "u", endedAt.AddMinutes(-1));
        sessions.Seen("s-1", "SessionEnd", "/t/s-1.jsonl", "h", "u", endedAt);
        sessions.Seen("s-2", "UserPromptSubmit", "/t/s-2.jsonl", "h", "u", clock.GetUtcNow());

        var rightAfter = sessions.Active(clock.GetUtcNow().AddMinutes(-30), clock.GetUtcNow()).Select(s => s.SessionId).Order().ToList();
        clock.Advance(ActiveSessions.FinalSweep + TimeSpan.FromSeconds(1));
        var later = sessions.Active(clock.GetUtcNow().AddMinutes(-30), clock.GetUtcNow()).Select(s => s.SessionId).ToList();

        Assert.Equal(["s-1", "s-2"], rightAfter); // its last lines are still swept once
        Assert.Equal(["s-2"], later);
    }
}
