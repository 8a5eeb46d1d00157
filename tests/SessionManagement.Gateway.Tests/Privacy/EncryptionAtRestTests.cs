using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SessionManagement.Testing;

namespace SessionManagement.Gateway.Tests.Privacy;

/// <summary>
/// A running embedded host with <c>encrypt_at_rest</c> and a key file: a conversation's words (a prompt, tool output, imported
/// transcript lines, a title, a context item) are in no file under the data folder — the database, its write-ahead log, its search
/// index, the accepted-events log, snapshots, backups — while search, the messages, the export and the next SessionStart still give
/// them back. Content is kept uncompressed, so a word kept in clear would be found by the search of the files. A rotation seals
/// every record again: the old key can then be dropped and everything still reads.
/// </summary>
public sealed class EncryptionAtRestTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static readonly string[] Words = ["zephyrprompt", "zephyrtool", "quokkaline", "quokkaresult", "wombattitle", "zephyrnote"];

    [Fact]
    public async Task When_encryption_is_on_Should_keep_no_word_in_any_file_yet_search_read_export_and_load_them()
    {
        using var keys = new TempDirectory();
        await using var host = Start(keys);
        await host.WaitForAsync("/readyz", HttpStatusCode.OK, Within);
        var (session, project) = await CaptureConversationAsync(host);
        var next = "sealed-next-" + Guid.NewGuid().ToString("N")[..8];

        foreach (var word in new[] { "zephyrprompt", "quokkaresult" })
            await Eventually.ReturnsAsync(() => host.Http.GetStringAsync($"/api/search?q={word}", Cancel),
                found => JsonDocument.Parse(found).RootElement.GetProperty("hits").GetArrayLength() > 0, Within, $"{word} searchable");
        var hit = JsonDocument.Parse(await host.Http.GetStringAsync("/api/search?q=quokkaline", Cancel)).RootElement.GetProperty("hits")[0];
        using (var backup = await host.Http.PostAsync("/api/backups/run", null, Cancel))
            Assert.True(backup.IsSuccessStatusCode, await backup.Content.ReadAsStringAsync(Cancel));
        await Eventually.ReturnsAsync(() => Task.FromResult(Directory.Exists(Path.Combine(host.DataDirectory, "backups"))
                && Directory.EnumerateFiles(Path.Combine(host.DataDirectory, "backups"), "*", SearchOption.AllDirectories).Any()),
            any => any, Within, "a backup written");
        await Eventually.ReturnsAsync(async () => (await host.Http.GetStringAsync($"/api/sessions/{session}", Cancel)),
            state => state.Contains("wombattitle", StringComparison.Ordinal), Within, "the session titled");
        var context = JsonDocument.Parse(await host.PostHookAsync(HostInput.Hook(next, "SessionStart", project, new { source = "startup" }), Cancel))
            .RootElement.GetProperty("hookSpecificOutput").GetProperty("additionalContext").GetString()!;
        var export = await host.Http.GetStringAsync($"/api/sessions/{session}/export?format=jsonl", Cancel);
        var messages = await host.Http.GetStringAsync($"/api/sessions/{session}/messages?limit=1000", Cancel);
        var files = DataFiles.Read(host.DataDirectory);

        var mark = hit.GetProperty("marks")[0]; // cut from the opened text
        Assert.Equal("quokkaline", hit.GetProperty("snippet").GetString()!.Substring(mark.GetProperty("start").GetInt32(), mark.GetProperty("length").GetInt32()));
        Assert.Contains("zephyrnote", context, StringComparison.Ordinal);
        Assert.Contains("quokkaline", export, StringComparison.Ordinal);
        Assert.Contains("zephyrprompt", messages, StringComparison.Ordinal);
        Assert.Contains(files, f => f.Text.Contains("SMe1", StringComparison.Ordinal)); // sealed records were written
        Assert.Contains(files, f => f.Path.Contains("backups", StringComparison.Ordinal));
        foreach (var word in Words)
            Assert.DoesNotContain(files, f => f.Text.Contains(word, StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(files, f => f.Text.Contains(Convert.ToBase64String(Encoding.UTF8.GetBytes("zephyrprompt"))[..12], StringComparison.Ordinal));
    }

    [Fact]
    public async Task When_keys_are_rotated_Should_seal_every_record_again_so_that_the_new_key_alone_reads_everything()
    {
        using var keys = new TempDirectory();
        await using var host = Start(keys);
        await host.WaitForAsync("/readyz", HttpStatusCode.OK, Within);
        var (session, _) = await CaptureConversationAsync(host);
        await Eventually.ReturnsAsync(() => host.Http.GetStringAsync("/api/search?q=quokkaresult", Cancel),
            found => JsonDocument.Parse(found).RootElement.GetProperty("hits").GetArrayLength() > 0, Within, "stored and searchable");
        var before = JsonDocument.Parse(await host.Http.GetStringAsync("/api/keys", Cancel)).RootElement;
        var oldKey = before.GetProperty("currentKey").GetString()!;
        using (var backup = await host.Http.PostAsync("/api/backups/run", null, Cancel))
            Assert.True(backup.IsSuccessStatusCode);
        var backups = Path.Combine(host.DataDirectory, "backups");
        await Eventually.ReturnsAsync(() => Task.FromResult(Directory.Exists(backups) ? Directory.GetFiles(backups, "*.lines", SearchOption.AllDirectories).Length : 0),
            n => n > 0, Within, "the session's transcript backed up under the old key");
        await Eventually.ReturnsAsync(() => Task.FromResult(Directory.GetFiles(backups, "*.items", SearchOption.AllDirectories).Length),
            n => n > 0, Within, "the context items backed up under the old key");

        using var rotated = await host.Http.PostAsync("/api/keys/rotate", null, Cancel);
        var answer = JsonDocument.Parse(await rotated.Content.ReadAsStringAsync(Cancel)).RootElement;
        Assert.True(rotated.IsSuccessStatusCode, answer.ToString());
        var newKey = answer.GetProperty("currentKey").GetString()!;
        Assert.NotEqual(oldKey, newKey);
        Assert.Equal([newKey, oldKey], answer.GetProperty("keys").EnumerateArray().Select(k => k.GetString()!));
        // Written meanwhile, under the new key: found beside what the old key sealed.
        await host.PostHookAsync(HostInput.Hook(session, "UserPromptSubmit", "/work/rotated", new { prompt = "after the rotation: platypusprompt" }), Cancel);
        await Eventually.ReturnsAsync(() => host.Http.GetStringAsync("/api/keys", Cancel),
            view => JsonDocument.Parse(view).RootElement.GetProperty("stores").EnumerateArray().All(s => s.GetProperty("done").GetBoolean()),
            Within, "every store sealed again under the new key");
        foreach (var file in Directory.GetFiles(backups, "*.lines", SearchOption.AllDirectories).Concat(Directory.GetFiles(backups, "*.items", SearchOption.AllDirectories)))
        {
            var kept = Encoding.Latin1.GetString(await File.ReadAllBytesAsync(file, Cancel));
            Assert.Contains(newKey, kept, StringComparison.Ordinal);
            Assert.DoesNotContain(oldKey, kept, StringComparison.Ordinal);
        }
        await Eventually.ReturnsAsync(() => host.Http.GetStringAsync("/api/audit?action=key-rotate", Cancel), audit => audit.Contains(newKey, StringComparison.Ordinal),
            TimeSpan.FromSeconds(60), "the rotation in the audit trail");

        // The old key is dropped from the key file: everything kept still opens, search included.
        host.Signal(15);
        Assert.NotNull(await host.WaitForExitAsync(Within));
        var keyFile = Path.Combine(keys.Path, "keys");
        File.WriteAllLines(keyFile, File.ReadAllLines(keyFile).Where(line => !line.StartsWith(oldKey + " ", StringComparison.Ordinal)));
        await using var again = host.StartAgain();
        await again.WaitForAsync("/readyz", HttpStatusCode.OK, Within);
        var messages = await again.Http.GetStringAsync($"/api/sessions/{session}/messages?limit=1000", Cancel);
        Assert.Contains("zephyrprompt", messages, StringComparison.Ordinal);
        Assert.Contains("platypusprompt", messages, StringComparison.Ordinal);
        Assert.Contains("quokkaline", await again.Http.GetStringAsync($"/api/sessions/{session}/export?format=jsonl", Cancel), StringComparison.Ordinal);
        foreach (var word in new[] { "quokkaresult", "quokkaline", "platypusprompt" })
            Assert.True(JsonDocument.Parse(await again.Http.GetStringAsync($"/api/search?q={word}", Cancel)).RootElement.GetProperty("hits").GetArrayLength() > 0,
                $"{word} found with the new key alone");
    }

    [Fact]
    public async Task When_encryption_is_on_without_a_key_Should_refuse_to_start_saying_where_a_key_goes()
    {
        await using var host = HostProcess.Start(new Dictionary<string, string>
        {
            ["SM_session_management__session_storage__encrypt_at_rest"] = "true",
        });

        Assert.NotNull(await host.WaitForExitAsync(Within));
        Assert.Contains("encrypt_at_rest: needs a key", host.Output, StringComparison.Ordinal);
        Assert.Contains("SM_ENCRYPTION_KEY", host.Output, StringComparison.Ordinal);
    }

    private static HostProcess Start(TempDirectory keys) => HostProcess.Start(new Dictionary<string, string>
    {
        ["SM_session_management__session_storage__encrypt_at_rest"] = "true",
        ["SM_session_management__session_storage__key_file"] = Path.Combine(keys.Path, "keys"),
        ["SM_session_management__chat_management__message_compression"] = "false",
        ["SM_session_management__persistence__compression"] = "false",
        ["SM_session_management__persistence__save_interval"] = "1",
    });

    /// <summary>A session through hooks, an imported transcript (with a custom title) and a context item, each carrying its own words.</summary>
    private static async Task<(string Session, string Project)> CaptureConversationAsync(HostProcess host)
    {
        var project = "/work/sealed-" + Guid.NewGuid().ToString("N")[..8];
        var session = "sealed-" + Guid.NewGuid().ToString("N")[..8];
        await host.PostHookAsync(HostInput.Hook(session, "SessionStart", project, new { source = "startup" }), Cancel);
        await host.PostHookAsync(HostInput.Hook(session, "UserPromptSubmit", project, new { prompt = "please look at zephyrprompt" }), Cancel);
        await host.PostHookAsync(HostInput.Hook(session, "PostToolUse", project, new
        {
            tool_name = "Bash", tool_use_id = "toolu_1", tool_input = new { command = "ls" },
            tool_response = new { stdout = "zephyrtool\nother", stderr = "", interrupted = false },
        }), Cancel);
        var transcript = string.Join("\n",
            HostInput.Line(new { type = "user", uuid = "u-1", sessionId = session, cwd = project, timestamp = "2026-12-02T10:00:00Z", message = new { role = "user", content = "the quokkaline question" } }),
            HostInput.Line(new
            {
                type = "user", uuid = "u-2", parentUuid = "u-1", sessionId = session, cwd = project, timestamp = "2026-12-02T10:00:01Z",
                message = new { role = "user", content = new[] { new { type = "tool_result", tool_use_id = "toolu_1", content = "quokkaresult found" } } },
            }),
            HostInput.Line(new { type = "custom-title", customTitle = "wombattitle work", sessionId = session })) + "\n";
        using (var imported = await host.Http.PostAsync($"/api/sessions/import?session={session}&name={session}.jsonl",
                   new StringContent(transcript, Encoding.UTF8, "application/x-ndjson"), Cancel))
            Assert.True(imported.IsSuccessStatusCode, await imported.Content.ReadAsStringAsync(Cancel));
        using (var saved = await host.Http.PostAsJsonAsync("/api/context", new
               {
                   type = "project", scope = "project", projectDir = project, @private = false, priority = 90, content = "remember zephyrnote", merge = false,
               }, Cancel))
            Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync(Cancel));
        return (session, project);
    }
}
