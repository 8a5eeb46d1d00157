using System.Net;
using System.Text.RegularExpressions;
using SessionManagement.Testing;

namespace SessionManagement.Faults.Tests;

/// <summary>
/// Backups live as files outside the database: when the database file is destroyed, the host says how to start again, and
/// following what it says (move the file aside, start with --restore-backups=true) brings back every session's raw events.
/// </summary>
public sealed partial class DamagedStoreRestoreTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task When_the_database_is_destroyed_Should_restore_every_backed_up_session_from_the_backup_files()
    {
        var loads = Enumerable.Range(0, 3).Select(i => new HookLoad($"fault-restore-{i}-" + Guid.NewGuid().ToString("N")[..8])).ToList();
        var first = HostProcess.Start();
        await first.WaitForAsync("/readyz", HttpStatusCode.OK, Within);
        foreach (var load in loads)
            await load.PostManyAsync(first.Http, 40, parallel: 2, TestContext.Current.CancellationToken);
        var store = Path.Combine(first.DataDirectory, "session-management.db");
        foreach (var load in loads)
            await load.WaitUntilStoredAsync(store, Within);
        await first.Http.PostAsync("/api/backups/run", null, TestContext.Current.CancellationToken);
        var backups = Path.Combine(first.DataDirectory, "backups");
        await Eventually.ReturnsAsync(() => Task.FromResult(Directory.Exists(backups) ? Directory.GetFiles(backups, "*.backup", SearchOption.AllDirectories).Length : 0),
            n => n >= loads.Count, Within, "a backup file for each session");
        first.Signal(HostProcess.SigTerm);
        Assert.Equal(0, await first.WaitForExitAsync(Within));

        await File.WriteAllBytesAsync(store, [.. Enumerable.Range(0, 65_536).Select(i => (byte)(i * 31 % 253))], TestContext.Current.CancellationToken);
        File.Delete(store + "-wal");
        var refused = first.StartAgain();
        await first.DisposeAsync();
        Assert.Equal(4, await refused.WaitForExitAsync(Within));
        var move = MoveCommand().Match(refused.Output);
        Assert.True(move.Success, refused.Output);
        File.Move(move.Groups["from"].Value, move.Groups["to"].Value); // what the message says to do
        await using var restored = refused.StartAgain("--restore-backups=true");
        await refused.DisposeAsync();
        await restored.WaitForAsync("/readyz", HttpStatusCode.OK, Within);

        foreach (var load in loads)
        {
            var count = load.Count(load.Stored(store)).Report("database destroyed, sessions restored from backup files");
            Assert.Equal(40, count.Acknowledged);
            Assert.Equal(0, count.Missing);
            Assert.Equal(0, count.Duplicated);
        }
        Assert.True(File.Exists(move.Groups["to"].Value));
    }

    [GeneratedRegex("mv '(?<from>[^']+)' '(?<to>[^']+)'")]
    private static partial Regex MoveCommand();
}
