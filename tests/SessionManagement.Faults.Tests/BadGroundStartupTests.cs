using SessionManagement.Testing;

namespace SessionManagement.Faults.Tests;

/// <summary>
/// Start-up on a store that is garbage, another program's database, or damaged: the host exits with its own code and a message
/// that names the file and what to do, and the file is left byte for byte as it was.
/// </summary>
public sealed class BadGroundStartupTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    public static TheoryData<string> Stores => ["garbage", "foreign", "damaged"];

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task When_the_store_file_is_bad_at_start_Should_exit_4_naming_the_file_and_the_way_out_and_leave_it_untouched(string kind)
    {
        using var data = new TempDirectory();
        var store = data.File("session-management.db");
        await WriteAsync(kind, store);
        var before = await File.ReadAllBytesAsync(store, TestContext.Current.CancellationToken);

        await using var host = HostProcess.Start(new Dictionary<string, string> { ["SM_DATA_DIR"] = data.Path });
        var exit = await host.WaitForExitAsync(Within);

        Assert.True(exit == 4, $"exit {exit?.ToString() ?? "none"}; output:\n{host.Output}");
        Assert.Contains(store, host.Output, StringComparison.Ordinal);
        Assert.Contains(kind == "foreign" ? "another program's database" : $"mv '{store}'", host.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", host.Output, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllBytesAsync(store, TestContext.Current.CancellationToken));
    }

    private static async Task WriteAsync(string kind, string path)
    {
        switch (kind)
        {
            case "garbage":
                await File.WriteAllBytesAsync(path, [.. Enumerable.Range(0, 100_000).Select(i => (byte)(i * 7919 % 251))]);
                break;
            case "foreign":
                SqliteFile.Execute(path, "CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices (total) VALUES (12.5);");
                break;
            default:
                // A real store, with its schema pages overwritten: the header still says SQLite, the rest is damaged.
                SqliteFile.Execute(path, "PRAGMA journal_mode = DELETE; CREATE TABLE schema_migrations (module TEXT, version INTEGER, applied_at TEXT, PRIMARY KEY (module, version));" +
                    string.Concat(Enumerable.Range(0, 40).Select(i => $"CREATE TABLE t{i} (a TEXT); INSERT INTO t{i} VALUES (hex(randomblob(3000)));")));
                await using (var file = new FileStream(path, FileMode.Open, FileAccess.Write))
                {
                    file.Position = 100;
                    file.Write(Enumerable.Repeat((byte)0xA5, 4096 - 100).ToArray());
                }
                break;
        }
    }
}
