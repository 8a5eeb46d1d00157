using System.Net;
using System.Text.Json;
using SessionManagement.Testing;

namespace SessionManagement.Faults.Tests;

/// <summary>
/// A session's stored row is tampered with and half its raw events are gone while the host is down: at the next start the
/// session is detected as corrupted when read, its lost events come back from its backup file, and its state is derived again.
/// </summary>
public sealed class CorruptedRowTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task When_a_session_row_is_corrupted_and_its_events_are_lost_at_start_Should_recover_it_from_its_backup()
    {
        var load = new HookLoad("fault-row-" + Guid.NewGuid().ToString("N")[..8]);
        var first = HostProcess.Start();
        await first.WaitForAsync("/readyz", HttpStatusCode.OK, Within);
        await load.PostManyAsync(first.Http, 40, parallel: 2, TestContext.Current.CancellationToken);
        var store = Path.Combine(first.DataDirectory, "session-management.db");
        await load.WaitUntilStoredAsync(store, Within);
        await first.Http.PostAsync("/api/backups/run", null, TestContext.Current.CancellationToken);
        var backups = Path.Combine(first.DataDirectory, "backups");
        await Eventually.ReturnsAsync(() => Task.FromResult(Directory.Exists(backups) ? Directory.GetFiles(backups, "*.backup", SearchOption.AllDirectories).Length : 0),
            n => n >= 1, Within, "the session's backup file");
        first.Signal(HostProcess.SigTerm);
        Assert.Equal(0, await first.WaitForExitAsync(Within));

        SqliteFile.Execute(store, "UPDATE saver_sessions SET prompts = prompts + 40 WHERE session_id = $id; " +
            "DELETE FROM saver_events WHERE session_id = $id AND rowid IN (SELECT rowid FROM saver_events WHERE session_id = $id LIMIT 20)", ("$id", load.SessionId));
        var left = load.Stored(store).Count;
        await using var second = first.StartAgain();
        await first.DisposeAsync();
        await second.WaitForAsync("/readyz", HttpStatusCode.OK, Within);

        var session = JsonDocument.Parse(await second.Http.GetStringAsync($"/api/sessions/{load.SessionId}", TestContext.Current.CancellationToken)).RootElement;
        var count = load.Count(load.Stored(store)).Report("corrupted session row and lost events at start", $"events left before the start {left}");

        Assert.Equal(20, left);
        Assert.Equal(40, session.GetProperty("eventCount").GetInt64());
        Assert.Equal(load.Sent.Keys.Count(m => int.Parse(m.AsSpan(6, 6), System.Globalization.CultureInfo.InvariantCulture) % 5 == 0),
            session.GetProperty("prompts").GetInt64()); // every fifth hook the test sent is a UserPromptSubmit
        Assert.Equal(0, count.Missing);
        Assert.Equal(0, count.Duplicated);
    }
}
