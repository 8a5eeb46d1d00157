using System.Net;
using SessionManagement.Testing;

namespace SessionManagement.Faults.Tests;

/// <summary>kill -9 of the embedded host while hooks stream in: every hook it answered 2xx is stored exactly once after a restart.</summary>
public sealed class EmbeddedHostKillTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task When_the_embedded_host_is_killed_mid_stream_Should_store_every_acknowledged_hook_exactly_once_after_a_restart()
    {
        var events = HookLoad.Scale(1_000);
        var load = new HookLoad("fault-kill-" + Guid.NewGuid().ToString("N")[..8]);
        var first = HostProcess.Start();
        await first.WaitForAsync("/readyz", HttpStatusCode.OK, Within);

        var sending = load.PostManyAsync(first.Http, events, parallel: 4, TestContext.Current.CancellationToken);
        await load.WhenAcknowledged(events / 2).WaitAsync(Within, TestContext.Current.CancellationToken);
        await first.KillAsync();
        var answers = await sending;
        await using var second = first.StartAgain();
        await first.DisposeAsync();
        await second.WaitForAsync("/readyz", HttpStatusCode.OK, Within);

        var count = (await load.WaitUntilStoredAsync(Path.Combine(second.DataDirectory, "session-management.db"), Within))
            .Report("embedded host killed mid-stream", $"answers {string.Join(", ", answers.OrderBy(a => a.Key).Select(a => $"{a.Key}: {a.Value}"))}");

        Assert.Equal(0, count.Missing);
        Assert.Equal(0, count.Duplicated);
        Assert.True(count.Acknowledged >= events / 2, $"only {count.Acknowledged} of {events} were answered before the kill");
        Assert.True(count.Acknowledged < events, "the kill came after every hook was answered: the scenario proved nothing");
    }
}
