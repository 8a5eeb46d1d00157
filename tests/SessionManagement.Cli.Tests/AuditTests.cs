using System.Net;
using System.Text.Json;
using SessionManagement.Testing;

namespace SessionManagement.Cli.Tests;

/// <summary>
/// The audit trail against a running embedded host with a token: an import, a restore and an export made with smctl, a read of
/// another user's context and requests with a wrong token each leave one entry (who, what, when, from where), seen in the
/// database file itself and through <c>smctl audit</c>.
/// </summary>
public sealed class AuditTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task When_sessions_are_exported_restored_and_read_Should_record_who_did_what_from_where_once_each()
    {
        await using var host = HostProcess.Start(new Dictionary<string, string> { ["SM_Gateway__BearerToken"] = "audit-t0ken" });
        await host.WaitForAsync("/healthz", HttpStatusCode.OK, Within);
        using var folders = new TempDirectory();
        var session = "audit-" + Guid.NewGuid().ToString("N")[..8];
        const string project = "/work/audited";
        var file = Path.Combine(folders.Path, "projects", "-work-audited", session + ".jsonl");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllTextAsync(file, TranscriptLines.User(session, "u-1", null, 0, "keep this", project) + "\n"
            + TranscriptLines.AssistantText(session, "a-1", "u-1", 1, "Kept.", project) + "\n", Cancel);
        var smctl = new Dictionary<string, string> { ["SM_GATEWAY_URL"] = host.BaseAddress.ToString(), ["SM_GATEWAY_TOKEN"] = "audit-t0ken" };
        var me = Environment.UserName;
        var database = Path.Combine(host.DataDirectory, "session-management.db");

        var imported = await SmctlProcess.RunAsync(smctl, "import", file);
        var restored = await SmctlProcess.RunAsync(smctl, "restore", session, "--config-dir", Path.Combine(folders.Path, "elsewhere"));
        var exported = await SmctlProcess.RunAsync(smctl, "sessions", "export", session, "--format", "markdown", "--output", Path.Combine(folders.Path, "s.md"));
        using (var read = await host.SendAsync(HttpMethod.Get, "/api/context?user=ben", "audit-t0ken", Cancel, user: "ana"))
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        foreach (var attempt in new[] { "guess-1", "guess-2" })
        {
            using var refused = await host.SendAsync(HttpMethod.Get, "/api/sessions", attempt, Cancel);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        Assert.True(imported.ExitCode == 0, imported.Stderr);
        Assert.True(restored.ExitCode == 0, restored.Stderr);
        Assert.True(exported.ExitCode == 0, exported.Stderr);
        // The database file: one row each, with who and from where.
        string Rows(string action, string actor) => $"SELECT COUNT(*) FROM saver_audit WHERE action = '{action}' AND actor = '{actor}' AND origin = '127.0.0.1'";
        await Eventually.ReturnsAsync(() => Task.FromResult(SqliteFile.Count(database, "SELECT COUNT(*) FROM saver_audit")), n => n >= 5, Within, "five entries");
        Assert.Equal(1, SqliteFile.Count(database, Rows("import", me) + " AND session_id = $s", ("$s", session)));
        Assert.Equal(1, SqliteFile.Count(database, Rows("restore", me) + " AND session_id = $s", ("$s", session)));
        Assert.Equal(1, SqliteFile.Count(database, Rows("export", me) + " AND session_id = $s AND detail = 'as markdown'", ("$s", session)));
        Assert.Equal(1, SqliteFile.Count(database, Rows("context-read", "ana") + " AND detail LIKE '% of user ben'"));
        Assert.Equal(1, SqliteFile.Count(database, Rows("token-refused", "anonymous") + " AND detail = 'GET /api/sessions with a wrong token'"));
        Assert.Equal(5, SqliteFile.Count(database, "SELECT COUNT(*) FROM saver_audit"));

        var all = await SmctlProcess.RunAsync(smctl, "audit", "--json");
        var restores = await SmctlProcess.RunAsync(smctl, "audit", "--action", "restore", "--session", session, "--json");
        var table = await SmctlProcess.RunAsync(smctl, "audit");
        var entries = JsonDocument.Parse(all.Stdout).RootElement.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(["token-refused", "context-read", "export", "restore", "import"], entries.Select(e => e.GetProperty("action").GetString()));
        var restore = Assert.Single(JsonDocument.Parse(restores.Stdout).RootElement.GetProperty("entries").EnumerateArray());
        Assert.Equal((me, "127.0.0.1", session), (restore.GetProperty("actor").GetString(), restore.GetProperty("origin").GetString(), restore.GetProperty("sessionId").GetString()));
        Assert.True(table.ExitCode == 0, table.Stderr);
        Assert.Contains("context-read", table.Stdout, StringComparison.Ordinal);
    }
}
