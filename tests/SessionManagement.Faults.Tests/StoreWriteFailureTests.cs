using System.Net;
using SessionManagement.Testing;

namespace SessionManagement.Faults.Tests;

/// <summary>
/// The store refuses every write of the saver for a while (a trigger the test puts on its table, as a failing disk would): hooks
/// are still answered, wait in the accepted-events log instead of being dropped, and are stored exactly once when writes work again.
/// </summary>
public sealed class StoreWriteFailureTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task When_the_store_refuses_writes_for_a_while_Should_keep_the_hooks_and_store_each_once_when_it_works_again()
    {
        var events = HookLoad.Scale(1_000);
        var load = new HookLoad("fault-write-" + Guid.NewGuid().ToString("N")[..8]);
        await using var host = HostProcess.Start();
        await host.WaitForAsync("/readyz", HttpStatusCode.OK, Within);
        var store = Path.Combine(host.DataDirectory, "session-management.db");
        var accepted = Path.Combine(host.DataDirectory, "accepted-events.db");

        SqliteFile.Execute(store, "CREATE TRIGGER fault_refuse BEFORE INSERT ON saver_events BEGIN SELECT RAISE(ABORT, 'refused by the fault test'); END");
        var answers = await load.PostManyAsync(host.Http, events, parallel: 4, TestContext.Current.CancellationToken);
        var waiting = await Eventually.ReturnsAsync(() => Task.FromResult(Count(accepted)), n => n >= events, Within, "every hook waiting in the accepted-events log");
        var storedMeanwhile = load.Stored(store).Count;
        SqliteFile.Execute(store, "DROP TRIGGER fault_refuse");

        var count = (await load.WaitUntilStoredAsync(store, Within)).Report("store refusing writes, then writing again",
            $"waiting in the accepted-events log while refused {waiting}");
        await Eventually.ReturnsAsync(() => Task.FromResult(Count(accepted)), n => n == 0, Within, "the accepted-events log emptied");

        Assert.Equal(events, answers.GetValueOrDefault(200));
        Assert.Equal(0, storedMeanwhile);
        Assert.Equal(0, count.Missing);
        Assert.Equal(0, count.Duplicated);
    }

    private static long Count(string path) => SqliteFile.Count(path, "SELECT count(*) FROM accepted_events");
}
