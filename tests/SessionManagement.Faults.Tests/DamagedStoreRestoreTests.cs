using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
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
        await using var first = HostProcess.Start(); // stopped and handed on by the restore; killed here if the test fails before
        await first.WaitForAsync("/readyz", HttpStatusCode.OK, Within);
        foreach (var load in loads)
            await load.PostManyAsync(first.Http, 40, parallel: 2, TestContext.Current.CancellationToken);
        var store = Path.Combine(first.DataDirectory, "session-management.db");
        foreach (var load in loads)
            await load.WaitUntilStoredAsync(store, Within);
        // What status counted of the hooks (each load sends 8 prompts and 8 tool calls of its 40), and the prompts chat kept from them.
        foreach (var load in loads)
            await Eventually.ReturnsAsync(() => CountedAsync(first, load.SessionId), counted => counted == (8, 8, 8), Within, $"{load.SessionId} counted");
        await first.Http.PostAsync("/api/backups/run", null, TestContext.Current.CancellationToken);
        var backups = Path.Combine(first.DataDirectory, "backups");
        await Eventually.ReturnsAsync(() => Task.FromResult(Directory.Exists(backups) ? Directory.GetFiles(backups, "*.backup", SearchOption.AllDirectories).Length : 0),
            n => n >= loads.Count, Within, "a backup file for each session");
        // Something the audit trail records (a session restored from its backup); the next backup run keeps the trail too.
        var backupId = JsonDocument.Parse(await first.Http.GetStringAsync($"/api/sessions/{loads[0].SessionId}/backups", TestContext.Current.CancellationToken))
            .RootElement.GetProperty("backups")[0].GetProperty("backupId").GetString();
        using (var restore = await first.Http.PostAsync($"/api/backups/{backupId}/restore", null, TestContext.Current.CancellationToken))
            Assert.Equal(HttpStatusCode.OK, restore.StatusCode);
        var audited = await Eventually.ReturnsAsync(() => AuditIdsAsync(first, "backup-restore"), ids => ids.Count == 1, Within, "the restore in the audit trail");
        await first.Http.PostAsync("/api/backups/run", null, TestContext.Current.CancellationToken);
        await Eventually.ReturnsAsync(() => Task.FromResult(Directory.Exists(Path.Combine(backups, ".audit"))
                ? string.Concat(Directory.GetFiles(Path.Combine(backups, ".audit")).Select(File.ReadAllText)) : ""),
            trail => trail.Contains(audited[0], StringComparison.Ordinal), Within, "the audit trail backed up");
        var (restored, movedTo) = await DestroyAndRestoreAsync(first);
        await using var _ = restored;

        Assert.Equal(audited, await AuditIdsAsync(restored, "backup-restore"));
        Assert.Single(await AuditIdsAsync(restored, "recovery"));
        // Status's counts went with the database: the restored hooks are counted again, and the prompts they carried kept again.
        foreach (var load in loads)
            await Eventually.ReturnsAsync(() => CountedAsync(restored, load.SessionId), counted => counted == (8, 8, 8), Within, $"{load.SessionId} counted again");

        foreach (var load in loads)
        {
            var count = load.Count(load.Stored(store)).Report("database destroyed, sessions restored from backup files");
            Assert.Equal(40, count.Acknowledged);
            Assert.Equal(0, count.Missing);
            Assert.Equal(0, count.Duplicated);
        }
        Assert.True(File.Exists(movedTo));
    }

    /// <summary>The prompts and tool calls status counted of a session, and the messages chat holds of it.</summary>
    private static async Task<(long Prompts, long ToolCalls, long Messages)> CountedAsync(HostProcess host, string session)
    {
        using var answer = await host.Http.GetAsync($"/api/status/sessions/{session}", TestContext.Current.CancellationToken);
        if (!answer.IsSuccessStatusCode)
            return (0, 0, 0);
        var status = JsonDocument.Parse(await answer.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        var messages = JsonDocument.Parse(await host.Http.GetStringAsync($"/api/sessions/{session}/messages?limit=1000", TestContext.Current.CancellationToken)).RootElement;
        return (status.GetProperty("prompts").GetInt64(), status.GetProperty("toolCalls").GetInt64(), messages.GetProperty("total").GetInt64());
    }

    private static async Task<List<string>> AuditIdsAsync(HostProcess host, string action) =>
        JsonDocument.Parse(await host.Http.GetStringAsync($"/api/audit?action={action}", TestContext.Current.CancellationToken)).RootElement
            .GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("auditId").GetString()!).ToList();

    /// <summary>
    /// The saver's backups keep a session's state and hooks; its replies, tool results and records came from transcripts Claude Code
    /// deletes after 30 days. A store restored from the backup files must hold them still: the export of each file, read back after the
    /// files are gone, is the bytes the test wrote. With encryption at rest on, no backup file holds a word of them in clear.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task When_the_database_is_destroyed_and_the_transcripts_are_gone_Should_restore_the_conversation_from_the_backup_files(bool encrypted)
    {
        var cancel = TestContext.Current.CancellationToken;
        var session = Guid.NewGuid().ToString();
        var word = "quokka" + Guid.NewGuid().ToString("N")[..10];
        static string Lines(params string[] lines) => string.Concat(lines.Select(line => line + "\n"));
        var main = Lines(
            TranscriptLines.User(session, "u-1", null, 0, $"which {word} is it"),
            TranscriptLines.AssistantText(session, "a-1", "u-1", 1, $"the {word} that went first"),
            "{\"type\":\"user\",\"message\":{\"role", // cut off, kept raw
            TranscriptLines.AssistantToolUse(session, "a-2", "a-1", 2, "toolu_restore_1", $"grep -rn {word} ."),
            TranscriptLines.ToolResult(session, "u-2", "a-2", 3, "toolu_restore_1", $"src/{word}.cs:1: class {word}"),
            TranscriptLines.AssistantText(session, "a-3", "u-2", 4, "done"));
        var agent = Lines(
            TranscriptLines.User(session, "s-1", null, 2, $"look for {word}"),
            TranscriptLines.AssistantText(session, "s-2", "s-1", 3, $"found {word} once"));
        const string agentFile = "subagents/agent-restore1.jsonl";
        var environment = encrypted
            ? new Dictionary<string, string> { ["SM_session_management__session_storage__encrypt_at_rest"] = "true", ["SM_ENCRYPTION_KEY"] = TestKeys.EnvironmentValue }
            : null;
        await using var first = HostProcess.Start(environment);
        await first.WaitForAsync("/readyz", HttpStatusCode.OK, Within);
        foreach (var (text, file) in new[] { (main, (string?)null), (agent, agentFile) })
        {
            using var imported = await first.Http.PostAsync($"/api/sessions/import?session={session}&name=t.jsonl" + (file is null ? "" : "&file=" + Uri.EscapeDataString(file)),
                new StringContent(text), cancel);
            Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        }
        // Context the sessions to come are given: the project's, and the session's own private notes. Both are kept, not derived.
        const string project = "/work/restore-project";
        var items = new[]
        {
            new { itemId = "ctx-project-" + word, type = "project", scope = "project", sessionId = session, projectDir = project, @private = false, priority = 80,
                content = $"the {word} service deploys from main" },
            new { itemId = "ctx-session-" + word, type = "conversation", scope = "session", sessionId = session, projectDir = project, @private = true, priority = 50,
                content = $"private note on {word}" },
        };
        foreach (var item in items)
        {
            using var saved = await first.Http.PostAsJsonAsync("/api/context", item, cancel);
            Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync(cancel));
        }
        // What status counts of the transcripts' usage, as imported, and the same once the store is restored: the three replies' usage
        // (input, cache creation and cache read together; output), one prompt, one tool call. Usage reports land a batch at a time, so
        // the count is awaited whole, not taken at its first sight.
        (long Input, long Output, long Prompts, long ToolCalls) usage = (3 * (12 + 5 + 6), 3 * 34, 1, 1);
        await Eventually.ReturnsAsync(() => TokensAsync(first), tokens => tokens == usage, Within, $"the transcripts' usage counted: {usage}");
        await first.Http.PostAsync("/api/backups/run", null, cancel);
        var backups = Path.Combine(first.DataDirectory, "backups");
        await Eventually.ReturnsAsync(() => Task.FromResult(Directory.Exists(backups) ? Directory.GetFiles(backups, "*.lines", SearchOption.AllDirectories).Length : 0),
            n => n == 2, Within, "a transcript backup for each of the session's two files");
        await Eventually.ReturnsAsync(() => Task.FromResult(Directory.GetFiles(backups, "*.backup", SearchOption.AllDirectories).Length),
            n => n >= 1, Within, "the saver's backup of the session");
        if (encrypted)
        {
            // Every backup file as it lies (a file being written under a temporary name meanwhile is read once it has its own).
            foreach (var file in Directory.GetFiles(backups, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".tmp", StringComparison.Ordinal)))
                Assert.DoesNotContain(word, System.Text.Encoding.Latin1.GetString(await File.ReadAllBytesAsync(file, cancel)), StringComparison.Ordinal);
            // Compressed, a word would not show in clear either: each chunk of a transcript backup is decompressed here, as far as it can be.
            foreach (var file in Directory.GetFiles(backups, "*.lines", SearchOption.AllDirectories))
                Assert.All(Chunks(await File.ReadAllBytesAsync(file, cancel)), chunk => Assert.DoesNotContain(word, Unbrotli(chunk[4..]), StringComparison.Ordinal));
        }
        // The transcripts were never on this machine's disk: the backups are all there is of them.
        var (restored, _) = await DestroyAndRestoreAsync(first);
        await using var __ = restored;

        Assert.Equal(main, await restored.Http.GetStringAsync($"/api/sessions/{session}/export?format=jsonl", cancel));
        Assert.Equal(agent, await restored.Http.GetStringAsync($"/api/sessions/{session}/export?format=jsonl&file={Uri.EscapeDataString(agentFile)}", cancel));
        var found = await restored.Http.GetStringAsync($"/api/search?q={word}", cancel);
        Assert.Contains(session, found, StringComparison.Ordinal);
        await Eventually.ReturnsAsync(() => TokensAsync(restored), tokens => tokens == usage, Within, $"the usage counted again: {usage}");
        var context = System.Text.Json.JsonDocument.Parse(
            await restored.Http.GetStringAsync($"/api/context?session={session}&project={Uri.EscapeDataString(project)}", cancel)).RootElement;
        var served = context.GetProperty("items").EnumerateArray()
            .Select(i => (i.GetProperty("itemId").GetString(), i.GetProperty("content").GetString())).Order().ToList();
        Assert.Equal(items.Select(i => ((string?)i.itemId, (string?)i.content)).Order(), served);

        // Tokens from the replies' usage; prompts and tool calls from what the file says of its session (no hook reached it).
        async Task<(long Input, long Output, long Prompts, long ToolCalls)> TokensAsync(HostProcess host)
        {
            using var answer = await host.Http.GetAsync($"/api/status/sessions/{session}", cancel);
            if (!answer.IsSuccessStatusCode)
                return (0, 0, 0, 0);
            var status = System.Text.Json.JsonDocument.Parse(await answer.Content.ReadAsStringAsync(cancel)).RootElement;
            return (status.GetProperty("inputTokens").GetInt64(), status.GetProperty("outputTokens").GetInt64(), status.GetProperty("prompts").GetInt64(),
                status.GetProperty("toolCalls").GetInt64());
        }
    }

    /// <summary>
    /// A session no hook reached is whoever imported it: a reader sees it among their own. Restored from the backups, it is still theirs
    /// (no hook of it holds the user; the saver's backup does).
    /// </summary>
    [Fact]
    public async Task When_the_database_is_destroyed_Should_give_each_imported_session_back_to_whoever_imported_it()
    {
        var cancel = TestContext.Current.CancellationToken;
        const string ana = "ana-token-0123456789", root = "root-token-0123456789";
        await using var first = HostProcess.Start(new Dictionary<string, string>
        {
            ["SM_Gateway__Users__0__Name"] = "ana", ["SM_Gateway__Users__0__Token"] = ana, ["SM_Gateway__Users__0__Role"] = "read",
            ["SM_Gateway__Users__1__Name"] = "root", ["SM_Gateway__Users__1__Token"] = root, ["SM_Gateway__Users__1__Role"] = "admin",
        });
        await first.WaitForAsync("/readyz", HttpStatusCode.OK, Within);
        var session = "ana-old-" + Guid.NewGuid().ToString("N")[..8];
        var transcript = TranscriptLines.User(session, "u-1", null, 0, "last year's numbers") + "\n";
        using (var imported = await first.SendAsync(HttpMethod.Post, $"/api/sessions/import?session={session}&name=old.jsonl", ana, cancel, json: transcript))
            Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        await Eventually.ReturnsAsync(() => StatusAsync(first, $"/api/sessions/{session}", ana), code => code == HttpStatusCode.OK, Within, "the session ana's");
        using (var run = await first.SendAsync(HttpMethod.Post, "/api/backups/run", root, cancel))
            Assert.Equal(HttpStatusCode.Accepted, run.StatusCode);
        var backups = Path.Combine(first.DataDirectory, "backups");
        await Eventually.ReturnsAsync(() => Task.FromResult(Directory.Exists(backups) ? Directory.GetFiles(backups, "*.backup", SearchOption.AllDirectories).Length : 0),
            n => n == 1, Within, "the session backed up");

        var (restored, _) = await DestroyAndRestoreAsync(first);
        await using var __ = restored;

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(restored, $"/api/sessions/{session}", root));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(restored, $"/api/sessions/{session}", ana));
        using var list = await restored.SendAsync(HttpMethod.Get, "/api/sessions", ana, cancel);
        Assert.Contains(session, await list.Content.ReadAsStringAsync(cancel), StringComparison.Ordinal);

        static async Task<HttpStatusCode> StatusAsync(HostProcess host, string path, string token)
        {
            using var answer = await host.SendAsync(HttpMethod.Get, path, token, TestContext.Current.CancellationToken);
            return answer.StatusCode;
        }
    }

    /// <summary>
    /// A transcript backup's chunks: after its header line, each a little-endian length and that many bytes; in clear, those are the
    /// plain length (4 bytes) and the Brotli-compressed lines.
    /// </summary>
    private static List<byte[]> Chunks(byte[] backup)
    {
        var chunks = new List<byte[]>();
        for (var at = Array.IndexOf(backup, (byte)'\n') + 1; at + 4 <= backup.Length;)
        {
            var length = BitConverter.ToInt32(backup, at);
            chunks.Add(backup[(at + 4)..(at + 4 + length)]);
            at += 4 + length;
        }
        Assert.NotEmpty(chunks);
        return chunks;
    }

    /// <summary>The chunk's text if it is Brotli-compressed bytes as they are, else empty (sealed bytes do not decompress).</summary>
    private static string Unbrotli(byte[] chunk)
    {
        try
        {
            using var output = new MemoryStream();
            using (var brotli = new System.IO.Compression.BrotliStream(new MemoryStream(chunk), System.IO.Compression.CompressionMode.Decompress))
                brotli.CopyTo(output);
            return System.Text.Encoding.Latin1.GetString(output.ToArray());
        }
        catch (Exception error) when (error is InvalidDataException or InvalidOperationException)
        {
            return "";
        }
    }

    /// <summary>
    /// Stops the host, destroys its database and follows what the host then says: the database moved aside as its message says, the host
    /// started again with <c>--restore-backups=true</c>. The restored host, ready, and where the database was moved.
    /// </summary>
    private static async Task<(HostProcess Restored, string MovedTo)> DestroyAndRestoreAsync(HostProcess first)
    {
        first.Signal(HostProcess.SigTerm);
        Assert.Equal(0, await first.WaitForExitAsync(Within));
        var store = Path.Combine(first.DataDirectory, "session-management.db");
        await File.WriteAllBytesAsync(store, [.. Enumerable.Range(0, 65_536).Select(i => (byte)(i * 31 % 253))], TestContext.Current.CancellationToken);
        File.Delete(store + "-wal");
        var refused = first.StartAgain();
        await first.DisposeAsync();
        Assert.Equal(4, await refused.WaitForExitAsync(Within));
        var move = MoveCommand().Match(refused.Output);
        Assert.True(move.Success, refused.Output);
        File.Move(move.Groups["from"].Value, move.Groups["to"].Value); // what the message says to do
        var restored = refused.StartAgain("--restore-backups=true");
        await refused.DisposeAsync();
        await restored.WaitForAsync("/readyz", HttpStatusCode.OK, Within);
        return (restored, move.Groups["to"].Value);
    }

    [GeneratedRegex("mv '(?<from>[^']+)' '(?<to>[^']+)'")]
    private static partial Regex MoveCommand();
}
