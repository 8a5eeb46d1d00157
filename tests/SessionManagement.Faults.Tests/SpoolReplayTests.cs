using System.Net;
using SessionManagement.Testing;

namespace SessionManagement.Faults.Tests;

/// <summary>Hooks spooled by sm-hook while the host is down arrive once it is back, exactly once, however the replays race.</summary>
public sealed class SpoolReplayTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task When_the_host_starts_with_a_spool_while_new_hooks_arrive_and_two_drains_race_Should_store_every_hook_exactly_once()
    {
        var events = HookLoad.Scale(1_000);
        var load = new HookLoad("fault-spool-" + Guid.NewGuid().ToString("N")[..8]);
        var first = HostProcess.Start();
        await first.WaitForAsync("/readyz", HttpStatusCode.OK, Within);
        var smHook = first.SmHookEnvironment();
        await load.RunSmHookAsync(smHook, events / 10, parallel: 4);
        first.Signal(HostProcess.SigTerm);
        Assert.Equal(0, await first.WaitForExitAsync(Within));

        await load.RunSmHookAsync(smHook, events / 2, parallel: 4); // nothing listens: every one is spooled
        var spooled = SpoolFiles(first).Length;
        await using var second = first.StartAgain();
        await first.DisposeAsync();
        var arriving = load.RunSmHookAsync(smHook, events - events / 10 - events / 2, parallel: 4);
        await second.WaitForAsync("/readyz", HttpStatusCode.OK, Within);
        var drains = await Task.WhenAll(SmHookProcess.RunAsync("", smHook, "drain"), SmHookProcess.RunAsync("", smHook, "drain"));
        await arriving;

        var count = (await load.WaitUntilStoredAsync(Path.Combine(second.DataDirectory, "session-management.db"), Within))
            .Report("host started with a spool, hooks arriving, two drains racing", $"spooled while down {spooled}");
        await Eventually.ReturnsAsync(() => Task.FromResult(SpoolFiles(second)), files => files.Length == 0, Within, "the spool emptied");

        Assert.True(spooled >= events / 2, $"only {spooled} hooks were spooled while the host was down");
        Assert.Equal(events, count.Acknowledged); // sm-hook keeps every hook: delivered or spooled
        Assert.Equal(0, count.Missing);
        Assert.Equal(0, count.Duplicated);
        Assert.All(drains, drain => Assert.Equal(0, drain.ExitCode));
    }

    private static string[] SpoolFiles(HostProcess host)
    {
        var folder = Path.Combine(host.DataDirectory, "spool");
        return Directory.Exists(folder) ? Directory.GetFiles(folder, "*.spool") : [];
    }
}
