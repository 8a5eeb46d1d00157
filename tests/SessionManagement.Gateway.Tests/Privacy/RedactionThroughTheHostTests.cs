using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SessionManagement.Testing;

namespace SessionManagement.Gateway.Tests.Privacy;

/// <summary>
/// Secrets in prompts, tool output, an imported transcript and a context item, captured by a running embedded host: afterwards none
/// is in any file under its data folder (the database, its write-ahead log and search index, the accepted-events log), in search,
/// in an export or in the next session's SessionStart context. A canary word sent beside them is found in the files, so the
/// search of the files can see what is stored (content is kept uncompressed here).
/// </summary>
public sealed class RedactionThroughTheHostTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static readonly string[] Secrets =
    [
        "sk-ant-api03-Xk9fQ2mZr7TbW4yLp0sVd3HnJ8cEa6Gu1KoRi5Mq-AbCdEfGhIjKlMnOpQrStUvWxYz012345678_9aBcDeFgHiJkLmNoPqRsTuVw-AA",
        "AKIAIOSFODNN7EXAMPLE",
        "ghp_R8vKq2LmZ7tW4yXp0sVd3HnJ8cEa6Gu1KoRi",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
        "s3cr3tPa55w0rd",
        "hunter2xyz",
        "doorcode4711",
    ];

    private static string Leaky(string canary) =>
        $"{canary}: key {Secrets[0]}, aws {Secrets[1]}, gh {Secrets[2]}, jwt {Secrets[3]}, " +
        $"DATABASE_URL=postgres://app:{Secrets[4]}@db/app, password={Secrets[5]}, <private>{Secrets[6]}</private>";

    [Fact]
    public async Task When_secrets_are_captured_Should_be_in_no_file_no_search_no_export_and_no_context()
    {
        await using var host = HostProcess.Start(new Dictionary<string, string>
        {
            ["SM_session_management__chat_management__message_compression"] = "false",
        });
        await host.WaitForAsync("/readyz", HttpStatusCode.OK, Within);
        var project = "/work/redact-" + Guid.NewGuid().ToString("N")[..8];
        var (session, next) = ("redact-" + Guid.NewGuid().ToString("N")[..8], "redact-next-" + Guid.NewGuid().ToString("N")[..8]);

        await host.PostHookAsync(HostInput.Hook(session, "SessionStart", project, new { source = "startup" }), Cancel);
        await host.PostHookAsync(HostInput.Hook(session, "UserPromptSubmit", project, new { prompt = Leaky("zephyrprompt") }), Cancel);
        await host.PostHookAsync(HostInput.Hook(session, "PostToolUse", project, new
        {
            tool_name = "Bash", tool_use_id = "toolu_1", tool_input = new { command = "cat .env" },
            tool_response = new { stdout = Leaky("zephyrtool").Replace(", ", "\n"), stderr = "", interrupted = false },
        }), Cancel);
        var transcript = string.Join("\n",
            HostInput.Line(new { type = "user", uuid = "u-1", sessionId = session, cwd = project, timestamp = "2026-12-02T10:00:00Z", message = new { role = "user", content = Leaky("quokkaline") } }),
            HostInput.Line(new
            {
                type = "user", uuid = "u-2", parentUuid = "u-1", sessionId = session, cwd = project, timestamp = "2026-12-02T10:00:01Z",
                message = new { role = "user", content = new[] { new { type = "tool_result", tool_use_id = "toolu_1", content = Leaky("quokkaresult").Replace(", ", "\n") } } },
            })) + "\n";
        using (var imported = await host.Http.PostAsync($"/api/sessions/import?session={session}&name={session}.jsonl",
                   new StringContent(transcript, Encoding.UTF8, "application/x-ndjson"), Cancel))
            Assert.True(imported.IsSuccessStatusCode, await imported.Content.ReadAsStringAsync(Cancel));
        using (var saved = await host.Http.PostAsJsonAsync("/api/context", new
               {
                   type = "project", scope = "project", projectDir = project, @private = false, priority = 90,
                   content = Leaky("zephyrnote"), merge = false,
               }, Cancel))
            Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync(Cancel));
        foreach (var canary in new[] { "zephyrprompt", "quokkaresult" })
            await Eventually.ReturnsAsync(() => host.Http.GetStringAsync($"/api/search?q={canary}", Cancel),
                found => JsonDocument.Parse(found).RootElement.GetProperty("hits").GetArrayLength() > 0, Within, $"{canary} searchable");

        var context = JsonDocument.Parse(await host.PostHookAsync(HostInput.Hook(next, "SessionStart", project, new { source = "startup" }), Cancel))
            .RootElement.GetProperty("hookSpecificOutput").GetProperty("additionalContext").GetString()!;
        var export = await host.Http.GetStringAsync($"/api/sessions/{session}/export?format=jsonl", Cancel);
        var messages = await host.Http.GetStringAsync($"/api/sessions/{session}/messages?limit=1000", Cancel);
        var files = DataFiles.Read(host.DataDirectory);

        Assert.Contains("zephyrnote", context, StringComparison.Ordinal); // the context does carry the item, redacted
        Assert.Contains(files, f => f.Text.Contains("zephyrprompt", StringComparison.Ordinal)); // the files are searchable as plain text
        Assert.Contains(files, f => f.Text.Contains("quokkaresult", StringComparison.Ordinal));
        Assert.Contains("[redacted:anthropic-key]", messages, StringComparison.Ordinal);
        foreach (var secret in Secrets)
        {
            var search = JsonDocument.Parse(await host.Http.GetStringAsync($"/api/search?q={Uri.EscapeDataString(secret)}", Cancel)).RootElement;
            Assert.True(search.GetProperty("hits").GetArrayLength() == 0, $"search for {secret}: {search}");
            Assert.DoesNotContain(secret, context, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, export, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, messages, StringComparison.Ordinal);
            Assert.DoesNotContain(files, f => f.Text.Contains(secret, StringComparison.Ordinal));
        }
        foreach (var line in export.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            JsonDocument.Parse(line).Dispose(); // every exported line is still JSON
        Assert.Equal(transcript.Length, export.Length); // and each kept its length
    }

    /// <summary>
    /// A secret shorter than its marker is masked with stars in a transcript line (the line keeps its length) and replaced by the
    /// marker in a hook: the prompt seen both ways is still one message, whichever came first.
    /// </summary>
    [Fact]
    public async Task When_a_prompt_with_a_short_secret_comes_by_hook_and_by_transcript_Should_be_one_message()
    {
        await using var host = HostProcess.Start(new Dictionary<string, string>());
        await host.WaitForAsync("/readyz", HttpStatusCode.OK, Within);
        var project = "/work/redact-twin-" + Guid.NewGuid().ToString("N")[..8];
        var session = "redact-twin-" + Guid.NewGuid().ToString("N")[..8];
        string[] prompts = ["deploy it, the password=hunter2 works", "my db is postgres://bob:s3cret@db.example/prod, migrate it"];
        var now = DateTimeOffset.UtcNow;

        await host.PostHookAsync(HostInput.Hook(session, "SessionStart", project, new { source = "startup" }), Cancel);
        await host.PostHookAsync(HostInput.Hook(session, "UserPromptSubmit", project, new { prompt = prompts[0] }), Cancel);
        await Eventually.ReturnsAsync(() => host.Http.GetStringAsync($"/api/sessions/{session}/messages", Cancel),
            page => JsonDocument.Parse(page).RootElement.GetProperty("total").GetInt64() == 1, Within, "the first prompt stored from its hook");
        var transcript = string.Join("\n", prompts.Select((prompt, i) => HostInput.Line(new
        {
            type = "user", uuid = $"u-{i}", parentUuid = i == 0 ? null : "u-0", sessionId = session, cwd = project,
            timestamp = now.AddSeconds(i).ToString("O"), message = new { role = "user", content = prompt },
        }))) + "\n";
        using (var imported = await host.Http.PostAsync($"/api/sessions/import?session={session}&name={session}.jsonl",
                   new StringContent(transcript, Encoding.UTF8, "application/x-ndjson"), Cancel))
            Assert.True(imported.IsSuccessStatusCode, await imported.Content.ReadAsStringAsync(Cancel));
        await host.PostHookAsync(HostInput.Hook(session, "UserPromptSubmit", project, new { prompt = prompts[1] }), Cancel);

        var messages = await Eventually.ReturnsAsync(
            async () => JsonDocument.Parse(await host.Http.GetStringAsync($"/api/sessions/{session}/messages", Cancel)).RootElement.GetProperty("messages"),
            page => page.EnumerateArray().Count(m => m.GetProperty("sources").GetArrayLength() == 2) == 2, Within,
            "each prompt seen by its hook and in the transcript");
        Assert.Equal(prompts.Length, messages.EnumerateArray().Count(m => m.GetProperty("role").GetString() == "user"));
        Assert.DoesNotContain(messages.EnumerateArray(), m => m.GetProperty("text").GetString()!.Contains("hunter2", StringComparison.Ordinal)
            || m.GetProperty("text").GetString()!.Contains("s3cret", StringComparison.Ordinal));
    }
}
