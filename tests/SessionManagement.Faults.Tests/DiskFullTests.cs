using System.Net;
using SessionManagement.Testing;

namespace SessionManagement.Faults.Tests;

/// <summary>
/// The store's disk fills up while hooks arrive: readiness says so, hooks still get answered (spooled on another disk), writes
/// that fail wait instead of being dropped, and once space is freed every answered hook is stored exactly once.
/// </summary>
public sealed class DiskFullTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(300);

    [Fact]
    public async Task When_the_store_disk_fills_up_and_is_freed_Should_store_every_answered_hook_exactly_once()
    {
        var events = HookLoad.Scale(1_000);
        // Room for the store of every hook once freed (about 8 KB each with its write-ahead log), and little to spare.
        using var disk = SmallDisk.TryMount(32 + events / 128, out var refused);
        if (disk is null)
            Assert.Skip(refused!);
        using var elsewhere = new TempDirectory();
        var load = new HookLoad("fault-disk-" + Guid.NewGuid().ToString("N")[..8]);
        await using var host = HostProcess.Start(new Dictionary<string, string>
        {
            ["SM_DATA_DIR"] = disk.Path,
            ["SM_SPOOL_DIR"] = elsewhere.Path,
        });
        await host.WaitForAsync("/readyz", HttpStatusCode.OK, Within);
        await load.PostManyAsync(host.Http, events / 4, parallel: 4, TestContext.Current.CancellationToken);

        var ballast = disk.Fill();
        var whileFull = await load.PostManyAsync(host.Http, events / 2, parallel: 4, TestContext.Current.CancellationToken);
        var readiness = await host.Http.GetAsync("/readyz", TestContext.Current.CancellationToken);
        File.Delete(ballast);
        await load.PostManyAsync(host.Http, events - events / 4 - events / 2, parallel: 4, TestContext.Current.CancellationToken);

        var count = (await load.WaitUntilStoredAsync(Path.Combine(disk.Path, "session-management.db"), Within))
            .Report("store disk full, then freed", $"answers while full {string.Join(", ", whileFull.Select(a => $"{a.Key}: {a.Value}"))}");
        await host.DisposeAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, readiness.StatusCode);
        Assert.Equal(events, count.Acknowledged);
        Assert.Equal(0, count.Missing);
        Assert.Equal(0, count.Duplicated);
    }
}
