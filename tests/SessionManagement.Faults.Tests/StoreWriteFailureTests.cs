using System.Net;
using SessionManagement.Testing;

namespace SessionManagement.Faults.Tests;

/// <summary>
/// The store refuses every write of the saver for a while (a trigger the test puts on its table, as a failing disk would): hooks
/// are still answered, wait in the accepted-events log instead of being dropped, and are stored exactly once when writes work again.
/// Meanwhile readiness and the status line say that the saver is not storing them, and why.
/// </summary>
public sealed class StoreWriteFailureTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task When_the_store_refuses_writes_for_a_while_Should_say_so_keep_the_hooks_and_store_each_once_when_it_works_again()
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
        var notReady = await Eventually.ReturnsAsync(() => ReadinessAsync(host), r => r.Status == HttpStatusCode.ServiceUnavailable, Within,
            "readiness saying that hooks are held back");
        using var statusInput = new StringContent($$$"""{"session_id":"{{{load.SessionId}}}","model":{"display_name":"Opus"}}""");
        using var statusRow = await host.Http.PostAsync("/statusline?colour=0", statusInput, TestContext.Current.CancellationToken);
        var row = await statusRow.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        SqliteFile.Execute(store, "DROP TRIGGER fault_refuse");

        var count = (await load.WaitUntilStoredAsync(store, Within)).Report("store refusing writes, then writing again",
            $"waiting in the accepted-events log while refused {waiting}");
        await Eventually.ReturnsAsync(() => Task.FromResult(Count(accepted)), n => n == 0, Within, "the accepted-events log emptied");

        var ready = await Eventually.ReturnsAsync(() => ReadinessAsync(host), r => r.Status == HttpStatusCode.OK, Within, "ready again");

        Assert.Contains("saver has not stored", notReady.Body, StringComparison.Ordinal);
        Assert.Contains("refused by the fault test", notReady.Body, StringComparison.Ordinal);
        Assert.Contains("⚠ saver not storing: ", row, StringComparison.Ordinal);
        Assert.DoesNotContain("not storing", ready.Body, StringComparison.Ordinal);
        Assert.Equal(events, answers.GetValueOrDefault(200));
        Assert.Equal(0, storedMeanwhile);
        Assert.Equal(0, count.Missing);
        Assert.Equal(0, count.Duplicated);
    }

    private static async Task<(HttpStatusCode Status, string Body)> ReadinessAsync(HostProcess host)
    {
        using var response = await host.Http.GetAsync("/readyz", TestContext.Current.CancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    private static long Count(string path) => SqliteFile.Count(path, "SELECT count(*) FROM accepted_events");
}
