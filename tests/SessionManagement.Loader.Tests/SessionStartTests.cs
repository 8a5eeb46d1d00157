using SessionManagement.Testing;

namespace SessionManagement.Loader.Tests;

public sealed class SessionStartTests
{
    private static string NewId(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task When_a_new_session_starts_in_a_project_Should_get_the_last_session_its_unfinished_thread_and_project_context()
    {
        await using var host = await StartingHost.StartAsync();
        var project = "/work/" + NewId("app");
        var last = NewId("last");
        await host.WorkedSessionAsync(last, project);
        await host.SaveContextAsync(new { type = "project", scope = "project", projectDir = project, priority = 70, content = "Build with make; test with make test." });
        await host.SaveContextAsync(new { type = "user", scope = "project", projectDir = project, sessionId = NewId("elsewhere"), @private = true, priority = 99,
            content = "PRIVATE: a note that stays in its own session" });

        var context = await host.StartAsync(NewId("next"), "startup", project);

        Assert.Contains("## The last session in this project", context);
        Assert.Contains(last, context);
        Assert.Contains("Last prompt: now add tests for emoji\nIt has no reply yet.", context);
        Assert.Contains("- make the parser handle unicode", context);
        Assert.Contains("We fixed unicode parsing and began emoji tests.", context);
        Assert.Contains("Build with make; test with make test.", context);
        Assert.DoesNotContain("PRIVATE", context);
        Assert.True(context.IndexOf("The last session", StringComparison.Ordinal) < context.IndexOf("Project and personal context", StringComparison.Ordinal));
    }

    [Fact]
    public async Task When_the_session_before_was_left_before_any_prompt_Should_get_the_last_session_that_held_a_conversation()
    {
        await using var host = await StartingHost.StartAsync();
        var project = "/work/" + NewId("app");
        var last = NewId("last");
        await host.WorkedSessionAsync(last, project);
        // Claude Code opened and closed again without a prompt (or a bad command line): a SessionStart and a SessionEnd, nothing else.
        var left = NewId("left");
        await host.HookAsync(left, "SessionStart", project, ",\"source\":\"startup\"");
        await host.HookAsync(left, "SessionEnd", project, ",\"reason\":\"prompt_input_exit\"");
        await Eventually.ReturnsAsync(async () => await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<System.Text.Json.JsonElement>(host.Host.Http, $"/api/sessions/{left}", TestContext.Current.CancellationToken),
            state => state.GetProperty("status").GetString() == "Ended", TimeSpan.FromSeconds(30), "the empty session ended");

        var context = await host.StartAsync(NewId("next"), "startup", project);

        Assert.Contains(last, context);
        Assert.Contains("Last prompt: now add tests for emoji\nIt has no reply yet.", context);
        Assert.DoesNotContain(left, context);
    }

    [Fact]
    public async Task When_a_session_resumes_compacts_or_clears_Should_hand_back_what_that_source_needs_first()
    {
        await using var host = await StartingHost.StartAsync();
        var project = "/work/" + NewId("app");
        var session = NewId("s");
        await host.WorkedSessionAsync(session, project, end: false);

        var compact = await host.StartAsync(session, "compact", project);
        var resume = await host.StartAsync(session, "resume", project);
        var cleared = await host.StartAsync(NewId("cleared"), "clear", project);

        Assert.StartsWith("# Session management: context from earlier work\n\n## Carried over from before compaction\n", compact);
        Assert.Contains("keep the list of failing tests", compact);
        Assert.True(compact.IndexOf("keep the list of failing tests", StringComparison.Ordinal) < compact.IndexOf("Last prompt", StringComparison.Ordinal));
        Assert.Contains("## The session resumed", resume);
        Assert.Contains($"Session {session} (\"make the parser handle unicode\") in {project}", resume); // titled by its first prompt
        Assert.Contains("Last prompt: now add tests for emoji", resume);
        Assert.Contains("## Carried over from before /clear", cleared);
        Assert.Contains("We fixed unicode parsing and began emoji tests.", cleared);
        Assert.All(new[] { compact, resume, cleared }, c => Assert.InRange(c.Length, 1, 10_000));
    }

    [Fact]
    public async Task When_the_last_turn_ran_many_tool_calls_Should_still_hand_back_its_prompt_and_the_prompts_before_it()
    {
        await using var host = await StartingHost.StartAsync();
        var project = "/work/" + NewId("tools");
        var last = NewId("busy");
        await host.HookAsync(last, "SessionStart", project, ",\"source\":\"startup\"");
        // The transcript: two prompts answered, then a prompt followed by 30 tool calls and their results (60 messages).
        var lines = new List<string>
        {
            TranscriptLines.User(last, "p1", null, 1, "read the failing test", project),
            TranscriptLines.AssistantText(last, "r1", "p1", 2, "It asserts the wrong date.", project),
            TranscriptLines.User(last, "p2", "r1", 3, "fix the date handling", project),
            TranscriptLines.AssistantText(last, "r2", "p2", 4, "Fixed.", project),
            TranscriptLines.User(last, "p3", "r2", 5, "now migrate every module to the new clock", project),
        };
        var parent = "p3";
        for (var i = 0; i < 30; i++)
        {
            lines.Add(TranscriptLines.AssistantToolUse(last, $"t{i}", parent, 6 + 2 * i, $"toolu_{i}", $"sed -i s/clock/newclock/ module{i}.cs"));
            lines.Add(TranscriptLines.ToolResult(last, $"o{i}", $"t{i}", 7 + 2 * i, $"toolu_{i}", "ok"));
            parent = $"o{i}";
        }
        using (var imported = await host.Host.Http.PostAsync($"/api/sessions/import?session={last}&name={last}.jsonl",
            new StringContent(string.Join("\n", lines) + "\n", System.Text.Encoding.UTF8, "application/x-ndjson"), TestContext.Current.CancellationToken))
            imported.EnsureSuccessStatusCode();
        await host.HookAsync(last, "SessionEnd", project, ",\"reason\":\"other\"");
        await Eventually.ReturnsAsync(async () => await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<System.Text.Json.JsonElement>(host.Host.Http, $"/api/sessions/{last}", TestContext.Current.CancellationToken),
            state => state.GetProperty("status").GetString() == "Ended", TimeSpan.FromSeconds(30), "the session ended");

        var context = await host.StartAsync(NewId("next"), "startup", project);

        Assert.Contains("Last prompt: now migrate every module to the new clock\nIt has no reply yet.", context);
        Assert.Contains("- read the failing test", context);
        Assert.Contains("- fix the date handling", context);
    }

    [Fact]
    public async Task When_a_module_does_not_answer_Should_render_what_came_in_time_and_name_what_did_not()
    {
        // No context module: its part never answers, and the rest still reaches Claude Code within the deadline.
        await using var host = await StartingHost.StartAsync(null, "--target=gateway,saver,chat,loader");
        var project = "/work/" + NewId("app");
        var last = NewId("last");
        await host.HookAsync(last, "SessionStart", project, ",\"source\":\"startup\"");
        await host.HookAsync(last, "UserPromptSubmit", project, ",\"prompt\":\"find the memory leak\"");
        await Eventually.ReturnsAsync(async () => await host.Host.Http.GetStringAsync($"/api/sessions/{last}/messages", TestContext.Current.CancellationToken),
            page => page.Contains("find the memory leak", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the prompt stored");

        var context = await host.StartAsync(NewId("next"), "startup", project);

        Assert.Contains(last, context);
        Assert.Contains("find the memory leak", context);
        await Eventually.ReturnsAsync(() => Task.FromResult(host.Host.Output), output => output.Contains("rendered without context", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10), "the loader's log naming the missing part");
    }

    [Fact]
    public async Task When_the_host_starts_Should_take_the_SessionStart_path_once_and_keep_or_count_nothing_of_it()
    {
        await using var host = await StartingHost.StartAsync();
        await Eventually.ReturnsAsync(() => Task.FromResult(host.Host.Output), output => output.Contains("SessionStart path warmed up in", StringComparison.Ordinal),
            TimeSpan.FromSeconds(60), "the gateway's log saying the SessionStart path was taken at start");
        var project = "/work/" + NewId("app");
        var last = NewId("last");
        await host.WorkedSessionAsync(last, project); // the first of the two SessionStarts this test sends

        var context = await host.StartAsync(NewId("next"), "startup", project);

        Assert.Contains(last, context);
        // The loader counts the contexts it served: the two starts sent here, not the warm-up (read from the metrics' text as Prometheus reads it).
        var served = await Eventually.ReturnsAsync(async () => LoadsCounted(await host.Host.Http.GetStringAsync("/metrics", TestContext.Current.CancellationToken)),
            count => count >= 2, TimeSpan.FromSeconds(10), "both starts counted");
        Assert.Equal(2, served);
        using var listed = System.Text.Json.JsonDocument.Parse(await host.Host.Http.GetStringAsync("/api/sessions", TestContext.Current.CancellationToken));
        Assert.DoesNotContain("warm-up", listed.RootElement.GetRawText(), StringComparison.Ordinal);
        // Nothing of it on disk: the project it names is in no file of the store.
        foreach (var file in Directory.GetFiles(host.Host.DataDirectory, "*", SearchOption.AllDirectories))
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var bytes = new MemoryStream();
            await stream.CopyToAsync(bytes, TestContext.Current.CancellationToken);
            Assert.DoesNotContain("session-management-warm-up", System.Text.Encoding.Latin1.GetString(bytes.ToArray()), StringComparison.Ordinal);
        }
    }

    private static long LoadsCounted(string metrics) =>
        metrics.Split('\n').Where(line => line.StartsWith("sm_loader_load_duration_seconds_count", StringComparison.Ordinal))
            .Select(line => (long)double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture)).Sum();
}
