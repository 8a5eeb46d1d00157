using System.Text.Json;
using Microsoft.Playwright;
using SessionManagement.Testing;

namespace SessionManagement.Web.Tests;

/// <summary>
/// The web view in Debian's chromium against a host holding a session the real Claude Code recorded through our hooks. The
/// witnesses: what Claude Code wrote (its transcript, read by the fixture) and what the browser shows.
/// </summary>
public sealed class WebViewTests(CapturedSessions captured) : IClassFixture<CapturedSessions>, IAsyncLifetime
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);

    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async ValueTask InitializeAsync() => (_playwright, _browser) = await Chromium.LaunchAsync();

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }

    private async Task<IPage> OpenAsync(string path, bool scripts = true)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = captured.Host.BaseAddress.ToString(), JavaScriptEnabled = scripts });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout((float)Within.TotalMilliseconds);
        await page.GotoAsync(path);
        return page;
    }

    /// <summary>The sessions of a list, in the order the server gives them, once two reads of it half a second apart agree.</summary>
    private async Task<string[]> SettledOrderAsync(string list)
    {
        async Task<string[]> ReadAsync()
        {
            var rows = await captured.Host.Http.GetStringAsync(list + "&fragment=rows", TestContext.Current.CancellationToken);
            return [.. System.Text.RegularExpressions.Regex.Matches(rows, "data-session=\"([^\"]+)\"").Select(m => m.Groups[1].Value)];
        }
        var last = await ReadAsync();
        var settled = await Eventually.ReturnsAsync<string[]?>(async () =>
        {
            await Task.Delay(500, TestContext.Current.CancellationToken);
            var (before, now) = (last, await ReadAsync());
            last = now;
            return before.SequenceEqual(now) ? now : null;
        }, order => order is not null, Within, "the list's order settled");
        return settled!;
    }

    /// <summary>Imports the lines as the session's transcript and waits until the session is kept.</summary>
    private async Task ImportAsync(string session, IEnumerable<string> lines)
    {
        using (var imported = await captured.Host.Http.PostAsync($"/api/sessions/import?session={session}&name={session}.jsonl",
            new StringContent(string.Join("\n", lines) + "\n"), TestContext.Current.CancellationToken))
            Assert.True(imported.IsSuccessStatusCode);
        await Eventually.ReturnsAsync(async () => (await captured.Host.Http.GetAsync($"/api/sessions/{session}", TestContext.Current.CancellationToken)).StatusCode,
            status => status == System.Net.HttpStatusCode.OK, Within, "the imported session kept");
    }

    [Fact]
    public async Task When_a_session_was_captured_Should_list_it_and_show_its_prompt_its_folded_tool_calls_their_output_and_the_image()
    {
        var page = await OpenAsync("/");
        var row = page.Locator($"tr[data-session='{captured.SessionId}']");
        await Assertions.Expect(row).ToContainTextAsync(CapturedSessions.Prompt); // titled by its first prompt
        await Assertions.Expect(row).ToContainTextAsync("shop");
        // Each row's start and duration read on one line in a narrow window (chromium's line boxes: one rectangle a line).
        await page.SetViewportSizeAsync(900, 768);
        var lines = await row.EvaluateAsync<int[]>("""
            r => [...r.querySelectorAll('td.when')].map(td => { const range = document.createRange(); range.selectNodeContents(td);
                return new Set([...range.getClientRects()].map(rect => Math.round(rect.top))).size; })
            """);
        Assert.Equal([1, 1], lines);
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the list fits the window's width");
        await Chromium.ScreenshotAsync(page, "sessions");

        await row.Locator("a").ClickAsync();
        // The page is rendered by the server: the document parsed is what is looked at (its load event, once in a full run, had not
        // come 30 s after the network had gone quiet, the page already there).
        await page.WaitForURLAsync($"**/sessions/{captured.SessionId}", new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        await Assertions.Expect(page.Locator("li.message.user").First).ToContainTextAsync(CapturedSessions.Prompt);
        var reply = page.Locator("li.message.assistant .text strong", new() { HasText = "the logo" });
        await Assertions.Expect(reply).ToBeVisibleAsync(); // the reply's Markdown rendered
        await Assertions.Expect(page.Locator("pre code.language-bash")).ToContainTextAsync("ls");

        // The Bash call is folded: its output shows once it is opened.
        var bash = page.Locator("ol.conversation > li.message details.tool", new() { Has = page.Locator(".tool-name", new() { HasText = "Bash" }) });
        Assert.False(await bash.EvaluateAsync<bool>("d => d.open"));
        await Assertions.Expect(bash.Locator(".tool-output")).Not.ToBeVisibleAsync();
        await bash.Locator("summary").ClickAsync();
        await Assertions.Expect(bash.Locator(".tool-output pre")).ToContainTextAsync("README.md"); // what ls printed in the project
        await Assertions.Expect(bash.Locator(".tool-output pre")).ToContainTextAsync("logo.png");

        // The Read of the PNG: Claude Code's tool result carried the image, and the browser decodes it at its size.
        var read = page.Locator("ol.conversation > li.message details.tool", new() { Has = page.Locator(".tool-name", new() { HasText = "Read" }) });
        await read.Locator("summary").ClickAsync();
        var image = read.Locator(".tool-output img");
        await Assertions.Expect(image).ToBeVisibleAsync();
        Assert.Equal(24, await image.EvaluateAsync<int>("img => img.complete ? img.naturalWidth : 0"));
        await Chromium.ScreenshotAsync(page, "session");
        await page.EvaluateAsync("() => document.querySelector('.reading').scrollIntoView()");
        await Chromium.ScreenshotAsync(page, "session-view", fullPage: false); // the README's picture: the conversation and its timeline

        // The subagent's run, nested and folded: its prompt and its own tool call inside.
        var subagent = page.Locator("li.subagent");
        await Assertions.Expect(subagent).ToHaveCountAsync(1);
        await subagent.Locator("summary").First.ClickAsync();
        await Assertions.Expect(subagent.Locator("li.message.user").First).ToContainTextAsync(CapturedSessions.SubagentPrompt);
        await Assertions.Expect(subagent.Locator(".tool-gist", new() { HasText = "ls | wc -l" })).ToBeVisibleAsync();

        // As many tool calls on the page, and inside the subagent's run, as Claude Code wrote in each file.
        static List<string> Calls(IEnumerable<JsonElement> transcript) => transcript.Where(r => r.GetProperty("type").GetString() == "assistant")
            .SelectMany(r => r.GetProperty("message").GetProperty("content").EnumerateArray())
            .Where(b => b.GetProperty("type").GetString() == "tool_use").Select(b => b.GetProperty("name").GetString()!).ToList();
        Assert.Equal(Calls(captured.Transcript.Concat(captured.SubagentTranscript)).Order(), (await page.Locator("details.tool .tool-name").AllInnerTextsAsync()).Order());
        Assert.Equal(Calls(captured.SubagentTranscript), await subagent.Locator("details.tool .tool-name").AllInnerTextsAsync());
    }

    [Fact]
    public async Task When_a_session_is_read_Should_show_each_turns_tokens_and_cost_once_on_its_first_line()
    {
        var page = await OpenAsync($"/sessions/{captured.SessionId}");
        await Assertions.Expect(page.Locator("ol.conversation > li.message").First).ToBeVisibleAsync();

        var shown = new Dictionary<string, (long Input, long Output, decimal Cost)>();
        foreach (var item in await page.Locator("ol.conversation > li.message").AllAsync())
        {
            var usage = item.Locator(":scope > header .usage");
            if (await usage.CountAsync() == 0)
                continue;
            var uuid = await item.Locator(":scope > header form.branch input[name=at]").GetAttributeAsync("value");
            shown[uuid!] = (long.Parse((await usage.GetAttributeAsync("data-input"))!, System.Globalization.CultureInfo.InvariantCulture),
                long.Parse((await usage.GetAttributeAsync("data-output"))!, System.Globalization.CultureInfo.InvariantCulture),
                decimal.Parse((await usage.GetAttributeAsync("data-cost"))!, System.Globalization.CultureInfo.InvariantCulture));
        }

        // Claude Code's file: a response (message.id + requestId) counts on its first line, as ccusage counts it, priced at Sonnet 4.6's
        // list price per million tokens written here: $3 in, $15 out, $3.75 cache writes, $0.30 cache reads.
        var responses = captured.Transcript.Where(r => r.GetProperty("type").GetString() == "assistant" && r.GetProperty("message").TryGetProperty("usage", out _))
            .GroupBy(r => r.GetProperty("message").GetProperty("id").GetString() + ":" + r.GetProperty("requestId").GetString())
            .ToDictionary(g => g.First().GetProperty("uuid").GetString()!, g =>
            {
                var u = g.First().GetProperty("message").GetProperty("usage");
                var (input, output) = (u.GetProperty("input_tokens").GetInt64(), u.GetProperty("output_tokens").GetInt64());
                var (write, read) = (u.GetProperty("cache_creation_input_tokens").GetInt64(), u.GetProperty("cache_read_input_tokens").GetInt64());
                return (input + write + read, output, (input * 3m + output * 15m + write * 3.75m + read * 0.3m) / 1_000_000m);
            });
        Assert.Equal(ScriptedModelServer.Model, captured.Transcript.First(r => r.GetProperty("type").GetString() == "assistant").GetProperty("message").GetProperty("model").GetString());
        Assert.True(responses.Count >= 4);
        // Lines the file holds (a turn taken later by another test's resume is not in it).
        var lines = captured.Transcript.Where(r => r.TryGetProperty("uuid", out _)).Select(r => r.GetProperty("uuid").GetString()).ToHashSet();
        Assert.Equal(responses.OrderBy(r => r.Key, StringComparer.Ordinal), shown.Where(s => lines.Contains(s.Key)).OrderBy(s => s.Key, StringComparer.Ordinal));
    }

    [Fact]
    public async Task When_a_session_is_branched_at_a_message_Should_open_a_new_session_ending_there_linked_to_its_parent()
    {
        var page = await OpenAsync($"/sessions/{captured.SessionId}");
        // The first reply, as Claude Code wrote it: the branch ends with it.
        var firstReply = captured.Transcript.First(r => r.GetProperty("type").GetString() == "assistant").GetProperty("uuid").GetString()!;
        var kept = captured.Transcript.TakeWhile(r => !r.TryGetProperty("uuid", out var u) || u.GetString() != firstReply).Count() + 1;

        var answers = new List<string>(); // what the host answered the form's POST and where the page went, for a failure's message
        page.Response += (_, response) =>
        {
            if (response.Request.Method == "POST")
                lock (answers)
                    answers.Add($"{response.Status} {response.Url} at {DateTimeOffset.UtcNow:HH:mm:ss.fff}");
        };
        page.FrameNavigated += (_, frame) =>
        {
            if (frame == page.MainFrame)
                lock (answers)
                    answers.Add($"navigated to {frame.Url} at {DateTimeOffset.UtcNow:HH:mm:ss.fff}");
        };
        page.Load += (_, _) =>
        {
            lock (answers)
                answers.Add($"loaded at {DateTimeOffset.UtcNow:HH:mm:ss.fff}");
        };
        var clicked = DateTimeOffset.UtcNow;
        await page.Locator($"form.branch:has(input[value='{firstReply}']) button").ClickAsync();

        // The branch's page comes after its lines are exported and imported and the saver has made it a session (up to 10 s more):
        // on a loaded machine, longer than a page's usual wait.
        try
        {
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath.StartsWith("/sessions/", StringComparison.Ordinal) && !url.Contains(captured.SessionId, StringComparison.Ordinal),
                new() { Timeout = (float)(2 * Within).TotalMilliseconds });
        }
        catch (TimeoutException)
        {
            string answered;
            lock (answers)
                answered = answers.Count == 0 ? "no answer to the POST, no navigation" : string.Join("; ", answers);
            var log = captured.Host.Output.Split('\n').TakeLast(40);
            Assert.Fail($"no branch page: clicked at {clicked:HH:mm:ss.fff}, {answered}; still at {page.Url}, showing \"{await page.Locator("main").InnerTextAsync(new() { Timeout = 5_000 })}\"\n"
                + $"the host's last lines:\n{string.Join('\n', log)}");
        }
        var branch = new Uri(page.Url).AbsolutePath["/sessions/".Length..];
        await Assertions.Expect(page.Locator("dl.facts a[rel=up]")).ToHaveTextAsync(captured.SessionId);
        await Assertions.Expect(page.Locator("li.message.user").First).ToContainTextAsync(CapturedSessions.Prompt);
        await Assertions.Expect(page.Locator("li.message", new() { HasText = "a small orange square" })).ToHaveCountAsync(0); // after the branch point
        var exported = await page.APIRequest.GetAsync($"/api/sessions/{branch}/export?format=jsonl");
        var lines = (await exported.TextAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(kept, lines.Length);
        Assert.All(lines, line => Assert.DoesNotContain(captured.SessionId, line, StringComparison.Ordinal));

        await page.GotoAsync($"/sessions/{captured.SessionId}");
        await Assertions.Expect(page.Locator($"dd.children a[href='/sessions/{branch}']")).ToBeVisibleAsync();
    }

    /// <summary>
    /// The list refreshes itself when a session changes: the changed row comes in flashed with what it says now, and the rows that
    /// read the same stay the very rows they were (a click on one while the list refreshes still opens it). The witness is the
    /// browser's own DOM: a mark the test set on each row's element survives only on the rows left as they were.
    /// </summary>
    [Fact]
    public async Task When_a_session_changes_while_the_list_is_open_Should_flash_its_row_and_keep_every_row_the_element_it_was()
    {
        var project = "/work/live-" + Guid.NewGuid().ToString("N")[..8];
        var (still, changing) = ("still-" + Guid.NewGuid().ToString("N")[..8], "changing-" + Guid.NewGuid().ToString("N")[..8]);
        string[] Lines(string session, int prompts) => [.. Enumerable.Range(0, prompts).SelectMany(i => new[]
        {
            TranscriptLines.User(session, $"u{i}", i == 0 ? null : $"a{i - 1}", 2 * i, $"question {i} of {session}", project),
            TranscriptLines.AssistantText(session, $"a{i}", $"u{i}", 2 * i + 1, $"answer {i}", project),
        })];
        await ImportAsync(still, Lines(still, 1));
        await ImportAsync(changing, Lines(changing, 1));
        foreach (var session in new[] { still, changing }) // each row as it stays: the reply's tokens counted too (a batch after the import)
            await Eventually.ReturnsAsync(async () => JsonDocument.Parse(await captured.Host.Http.GetStringAsync($"/api/status/sessions/{session}",
                    TestContext.Current.CancellationToken)).RootElement.GetProperty("outputTokens").GetInt64(),
                tokens => tokens == 34, Within, $"{session}'s reply counted");
        var page = await OpenAsync("/?project=" + Uri.EscapeDataString(project));
        var (stillRow, changingRow) = (page.Locator($"tr[data-session='{still}']"), page.Locator($"tr[data-session='{changing}']"));
        await Assertions.Expect(page.Locator("tr[data-session]")).ToHaveCountAsync(2);
        await page.EvaluateAsync("() => document.querySelectorAll('tr[data-session], tr[data-session] td, tr[data-session] a').forEach(e => { e.markedByTheTest = true; })");
        var order = await page.Locator("tr[data-session]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.session)");
        for (var i = 0; i <= Array.IndexOf(order, changing); i++)
            await page.Keyboard.PressAsync("j"); // the changing row chosen with the keyboard
        await Assertions.Expect(changingRow).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bselected\b"));

        await ImportAsync(changing, Lines(changing, 3)); // the same file, grown by two prompts
        await Assertions.Expect(changingRow).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bchanged\b"));
        await Assertions.Expect(changingRow.Locator("td.n").First).ToHaveTextAsync("3"); // its prompts, as the row says now

        // Both rows are the elements the test marked: a click on either while the list refreshes lands on the row it meant.
        Assert.True(await stillRow.EvaluateAsync<bool>("row => row.markedByTheTest === true"), "the row that did not change is the row it was");
        Assert.True(await changingRow.EvaluateAsync<bool>("row => row.markedByTheTest === true"), "the row that changed is the row it was");
        // Its cells and its link too: a link pressed as the row is drawn again is still in the page when the button comes up.
        var kept = await changingRow.EvaluateAsync<bool[]>("row => [...row.querySelectorAll('td, a')].map(e => e.markedByTheTest === true)");
        Assert.Equal(Enumerable.Repeat(true, 11), kept); // its ten cells and the link in the first
        Assert.True(await changingRow.EvaluateAsync<bool>("row => row.classList.contains('selected')"), "the row chosen with the keyboard is still chosen");
        Assert.False(await stillRow.EvaluateAsync<bool>("row => row.classList.contains('changed')"));
        Assert.Equal(2, await page.Locator("tr[data-session]").CountAsync());
    }

    [Fact]
    public async Task When_a_row_is_pressed_as_the_list_moves_another_above_it_Should_open_the_row_pressed()
    {
        var project = "/work/press-" + Guid.NewGuid().ToString("N")[..8];
        string[] Lines(string session, int prompts) => [.. Enumerable.Range(0, prompts).SelectMany(i => new[]
        {
            TranscriptLines.User(session, $"u{i}", i == 0 ? null : $"a{i - 1}", 2 * i, $"question {i} of {session}", project),
            TranscriptLines.AssistantText(session, $"a{i}", $"u{i}", 2 * i + 1, $"answer {i}", project),
        })];
        foreach (var session in new[] { "press-a-" + Guid.NewGuid().ToString("N")[..8], "press-b-" + Guid.NewGuid().ToString("N")[..8] })
            await ImportAsync(session, Lines(session, 1));
        var page = await OpenAsync("/?project=" + Uri.EscapeDataString(project));
        // The list settled before the press: the sessions' facts still coming in after their import may reorder it, and a row moved
        // before the press is not what this test is about. The server's order, read until two reads half a second apart agree, is shown.
        var order = await SettledOrderAsync("/?project=" + Uri.EscapeDataString(project));
        await Assertions.Expect(page.Locator("tr[data-session]")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("tr[data-session]").First).ToHaveAttributeAsync("data-session", order[0]);
        var (pressed, below) = (order[0], order[1]);
        var box = (await page.Locator($"tr[data-session='{pressed}'] a").BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(box.X + box.Width / 2, box.Y + box.Height / 2);

        await page.Mouse.DownAsync();
        // The row below goes on (two more prompts): the list, told so, fetches its rows again, the one below now first.
        var refreshed = page.WaitForResponseAsync(r => r.Url.Contains("fragment=rows", StringComparison.Ordinal));
        await ImportAsync(below, Lines(below, 3));
        await refreshed;
        await page.EvaluateAsync("() => new Promise(done => setTimeout(done, 100))"); // what the page does with the rows, done
        await page.Mouse.UpAsync();

        await page.WaitForURLAsync($"**/sessions/{pressed}", new() { WaitUntil = WaitUntilState.DOMContentLoaded });
    }

    [Fact]
    public async Task When_a_session_is_deleted_from_its_page_Should_go_only_once_the_box_is_ticked()
    {
        var session = "doomed-" + Guid.NewGuid().ToString("N")[..8];
        var lines = new[] { TranscriptLines.User(session, "u0", null, 0, "a session to delete"), TranscriptLines.AssistantText(session, "a0", "u0", 1, "Gone soon.") };
        await ImportAsync(session, lines);
        var page = await OpenAsync($"/sessions/{session}");

        await page.Locator("[data-delete] summary").ClickAsync();
        await page.Locator("[data-delete] button").ClickAsync(); // the box not ticked: the browser does not send the form
        // Nor does the gateway delete a form sent without it.
        using var unticked = new HttpRequestMessage(HttpMethod.Post, $"/sessions/{session}/delete") { Content = new FormUrlEncodedContent([]) };
        unticked.Headers.Add("Origin", captured.Host.BaseAddress.GetLeftPart(UriPartial.Authority));
        var refused = (await captured.Host.Http.SendAsync(unticked, TestContext.Current.CancellationToken)).StatusCode;
        var stillThere = (await captured.Host.Http.GetAsync($"/api/sessions/{session}", TestContext.Current.CancellationToken)).StatusCode;
        await page.Locator("[data-delete] input[name=confirm]").CheckAsync();
        await page.Locator("[data-delete] button").ClickAsync();
        // The list is rendered by the server: the document parsed is all that is looked at (waiting for its load event, once in a full
        // run, outlasted Playwright's 30 s after the network had gone quiet).
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/", new() { WaitUntil = WaitUntilState.DOMContentLoaded });

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused);
        Assert.Equal(System.Net.HttpStatusCode.OK, stillThere);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await captured.Host.Http.GetAsync($"/api/sessions/{session}", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(0, await page.Locator($"a[href='/sessions/{session}']").CountAsync());
    }

    [Fact]
    public async Task When_claude_code_kept_a_tool_output_in_a_file_Should_link_the_tool_call_to_the_whole_output()
    {
        // As Claude Code 2.1.332 writes an output over 30,000 characters: its line holds the first 2 KB and the file's path.
        var session = "kept-" + Guid.NewGuid().ToString("N")[..8];
        var name = "b" + Guid.NewGuid().ToString("N")[..8] + ".txt";
        var whole = string.Join("\n", Enumerable.Range(1, 60_000)) + "\n";
        var preview = $"<persisted-output>\nOutput too large (340.7KB). Full output saved to: /home/me/.claude/projects/-home-me-shop/{session}/tool-results/{name}\n\n"
            + $"Preview (first 2KB):\n{whole[..2000]}\n...\n</persisted-output>";
        await ImportAsync(session, [TranscriptLines.User(session, "u1", null, 1, "count to sixty thousand"),
            TranscriptLines.AssistantToolUse(session, "a1", "u1", 2, "toolu_count", "seq 1 60000"),
            TranscriptLines.ToolResult(session, "u2", "a1", 3, "toolu_count", preview)]);
        using (var put = await captured.Host.Http.PutAsync($"/api/sessions/{session}/tool-results/{name}", new StringContent(whole), TestContext.Current.CancellationToken))
            Assert.True(put.IsSuccessStatusCode);
        var page = await OpenAsync($"/sessions/{session}");

        var bash = page.Locator("ol.conversation > li.message details.tool").First;
        await bash.Locator("summary").ClickAsync();
        var link = bash.Locator(".tool-output a.whole", new() { HasText = "the whole output" });
        await link.ClickAsync();

        await page.WaitForURLAsync($"**/sessions/{session}/tool-results/{name}");
        Assert.Equal(whole, await page.Locator("body").InnerTextAsync());
    }

    [Fact]
    public async Task When_a_session_keeps_a_task_list_and_file_checkpoints_Should_show_its_tasks_and_how_many_checkpoints()
    {
        var session = "tasks-" + Guid.NewGuid().ToString("N")[..8];
        await ImportAsync(session, [TranscriptLines.User(session, "u1", null, 1, "plan the release"), TranscriptLines.AssistantText(session, "a1", "u1", 2, "Planned.")]);
        // As Claude Code 2.1.332 leaves <config>/tasks/<session>/: a file a task.
        var files = new Dictionary<string, string>
        {
            ["1.json"] = """{"id":"1","subject":"Fix the flaky test","description":"","status":"completed","blocks":[],"blockedBy":[]}""",
            ["2.json"] = """{"id":"2","subject":"Write the release notes","description":"","status":"in_progress","blocks":[],"blockedBy":[]}""",
            ["10.json"] = """{"id":"10","subject":"Tag the release","description":"","status":"pending","blocks":[],"blockedBy":[]}""",
        };
        using (var put = await captured.Host.Http.PutAsync($"/api/sessions/{session}/tasks",
                   new StringContent(System.Text.Json.JsonSerializer.Serialize(new { files }), System.Text.Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken))
            Assert.True(put.IsSuccessStatusCode);
        using (var put = await captured.Host.Http.PutAsync($"/api/sessions/{session}/file-history/0123456789abcdef@v1", new StringContent("before\n"),
                   TestContext.Current.CancellationToken))
            Assert.True(put.IsSuccessStatusCode);

        var page = await OpenAsync($"/sessions/{session}");

        Assert.Equal(["completed #1 Fix the flaky test", "in progress #2 Write the release notes", "pending #10 Tag the release"],
            (await page.Locator("[data-tasks] li").AllInnerTextsAsync()).Select(t => string.Join(' ', t.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries))));
        Assert.Equal("1", await page.Locator("dl.facts dt:text-is('Checkpoints') + dd").InnerTextAsync());
        var plain = "plain-" + Guid.NewGuid().ToString("N")[..8]; // a session with no task list kept shows none
        await ImportAsync(plain, [TranscriptLines.User(plain, "u1", null, 1, "hello"), TranscriptLines.AssistantText(plain, "a1", "u1", 2, "Hi.")]);
        var other = await OpenAsync($"/sessions/{plain}");
        Assert.Equal(0, await other.Locator("[data-tasks]").CountAsync());
        Assert.Equal(0, await other.Locator("dl.facts dt:text-is('Checkpoints')").CountAsync());
    }

    [Fact]
    public async Task When_a_long_session_is_read_to_its_end_Should_show_every_message_once_in_order_a_page_at_a_time()
    {
        // 120 prompts and replies, written here as Claude Code writes them, imported.
        var session = "long-" + Guid.NewGuid().ToString("N")[..8];
        var lines = Enumerable.Range(0, 120).Select(i => i % 2 == 0
            ? TranscriptLines.User(session, $"u{i}", i == 0 ? null : $"a{i - 1}", i, $"question number {i}")
            : TranscriptLines.AssistantText(session, $"a{i}", $"u{i - 1}", i, $"answer number {i}"));
        await ImportAsync(session, lines);
        var page = await OpenAsync($"/sessions/{session}");
        var shown = page.Locator("ol.conversation > li.message");
        Assert.True(await shown.CountAsync() < 120); // a page, not all at once

        await page.Locator("[data-more]").ScrollIntoViewIfNeededAsync();
        for (var tries = 0; tries < 100 && await shown.CountAsync() < 120; tries++)
            await page.Keyboard.PressAsync("End"); // scrolled to the end, the next page comes in place

        await Assertions.Expect(shown).ToHaveCountAsync(120);
        var texts = await page.Locator("ol.conversation > li.message .text").AllTextContentsAsync(); // text, rendered or not (off-screen messages are laid out when scrolled to)
        Assert.Equal(Enumerable.Range(0, 120).Select(i => (i % 2 == 0 ? "question" : "answer") + $" number {i}"), texts.Select(t => t.Trim()));
    }

    [Fact]
    public async Task When_a_page_is_served_Should_be_styled_and_refuse_any_script_or_style_it_did_not_bring_itself()
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = captured.Host.BaseAddress.ToString() });
        var page = await context.NewPageAsync();
        var refusals = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
                refusals.Add(message.Text);
        };

        var response = await page.GotoAsync($"/sessions/{captured.SessionId}");
        await Assertions.Expect(page.Locator("li.message.user").First).ToBeVisibleAsync();
        Assert.Contains("script-src 'self'", (await response!.AllHeadersAsync())["content-security-policy"], StringComparison.Ordinal);
        Assert.Equal("flex", await page.EvalOnSelectorAsync<string>("header.top", "e => getComputedStyle(e).display")); // its own stylesheet applies
        Assert.Empty(refusals); // nothing the page itself loads is refused

        // What a transcript might smuggle in, were it ever rendered as HTML: an inline script and a style of its own.
        await page.EvaluateAsync("""
            () => {
              const script = document.createElement('script'); script.textContent = 'window.smuggled = true'; document.body.append(script);
              const style = document.createElement('style'); style.textContent = 'header.top { display: none }'; document.head.append(style);
            }
            """);
        Assert.False(await page.EvaluateAsync<bool>("() => window.smuggled === true"));
        Assert.Equal("flex", await page.EvalOnSelectorAsync<string>("header.top", "e => getComputedStyle(e).display"));
        await context.CloseAsync();
    }

    [Fact]
    public async Task When_scripts_are_off_Should_still_read_the_session_and_open_a_tool_call()
    {
        var page = await OpenAsync($"/sessions/{captured.SessionId}", scripts: false);

        await Assertions.Expect(page.Locator("li.message.user").First).ToContainTextAsync(CapturedSessions.Prompt);
        var bash = page.Locator("ol.conversation > li.message details.tool", new() { Has = page.Locator(".tool-name", new() { HasText = "Bash" }) });
        await bash.Locator("summary").ClickAsync();
        await Assertions.Expect(bash.Locator(".tool-output pre")).ToContainTextAsync("README.md");
    }

    [Fact]
    public async Task When_a_word_is_searched_Should_mark_it_and_open_the_session_at_that_message()
    {
        var page = await OpenAsync("/");
        await page.Keyboard.PressAsync("/");
        await page.Keyboard.TypeAsync("orange");
        await page.Keyboard.PressAsync("Enter");

        var hit = page.Locator("a.hit").First;
        await Assertions.Expect(hit.Locator("mark")).ToHaveTextAsync("orange");
        await Chromium.ScreenshotAsync(page, "search");
        await hit.ClickAsync();

        var focused = page.Locator("li.message.focus");
        await Assertions.Expect(focused).ToContainTextAsync("a small orange square");
        await Assertions.Expect(focused).ToBeInViewportAsync();
    }

    [Fact]
    public async Task When_the_session_goes_on_while_its_page_is_open_Should_show_the_new_prompt_and_reply_without_reloading()
    {
        var page = await OpenAsync($"/sessions/{captured.SessionId}");
        await page.EvaluateAsync("() => { window.notReloaded = true; }");
        var before = await page.Locator("li.message").CountAsync();

        captured.Model.Then(ScriptedModelServer.Reply.Say("It is 24 pixels wide."));
        var resumed = await ClaudeRun.RunAsync(captured.Project, captured.Claude, "-p", "--resume", captured.SessionId, "how wide is the logo?");
        Assert.True(resumed.ExitCode == 0, resumed.Output);

        await Assertions.Expect(page.Locator("li.message.user", new() { HasText = "how wide is the logo?" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("li.message.assistant", new() { HasText = "It is 24 pixels wide." })).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => window.notReloaded === true"));
        Assert.True(await page.Locator("li.message").CountAsync() > before);
        // Each message once, however many notices the page was sent.
        Assert.Equal(1, await page.Locator("li.message.user", new() { HasText = "how wide is the logo?" }).CountAsync());
    }

    [Fact]
    public async Task When_reports_are_opened_Should_draw_the_tokens_of_today()
    {
        var page = await OpenAsync("/reports?days=7");

        var tokens = page.Locator("figure.chart", new() { Has = page.Locator("figcaption", new() { HasText = "Tokens per day" }) });
        await Assertions.Expect(tokens.Locator("rect.bar")).ToHaveCountAsync(7);
        // Today's bar stands: the recorded session's tokens, as Claude Code wrote them in its transcript.
        var written = captured.Transcript.Where(r => r.GetProperty("type").GetString() == "assistant" && r.GetProperty("message").TryGetProperty("usage", out _))
            .GroupBy(r => r.GetProperty("message").GetProperty("id").GetString()).Select(g => g.First().GetProperty("message").GetProperty("usage"))
            .Sum(u => u.GetProperty("input_tokens").GetInt64() + u.GetProperty("output_tokens").GetInt64()
                + u.GetProperty("cache_creation_input_tokens").GetInt64() + u.GetProperty("cache_read_input_tokens").GetInt64());
        Assert.True(written > 0);
        var today = tokens.Locator("rect.bar").Last;
        Assert.True(await today.EvaluateAsync<double>("r => r.height.baseVal.value") > 0);
        Assert.Contains(DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), await today.Locator("title").TextContentAsync());

        // Per model: the model that answered in Claude Code's file has its bar.
        var models = page.Locator("figure.chart", new() { Has = page.Locator("figcaption", new() { HasText = "Tokens per model" }) });
        var model = models.Locator("rect.bar", new() { Has = page.Locator("title", new() { HasText = ScriptedModelServer.Model + ":" }) });
        await Assertions.Expect(model).ToHaveCountAsync(1);
        Assert.True(await model.EvaluateAsync<double>("r => r.height.baseVal.value") > 0);

        // As the browser laid them out: each chart's words inside it, none over another or under a bar, none stretched out of shape.
        var layout = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('figure.chart svg')].flatMap(svg => {
                const box = svg.getBoundingClientRect(), texts = [...svg.querySelectorAll('text')].map(t => [t, t.getBoundingClientRect()]);
                const bars = [...svg.querySelectorAll('rect.bar')].map(r => r.getBoundingClientRect());
                const apart = (a, b) => a.right <= b.left + 0.5 || b.right <= a.left + 0.5 || a.bottom <= b.top + 0.5 || b.bottom <= a.top + 0.5;
                const scale = svg.getScreenCTM();
                return texts.flatMap(([t, r], i) => [
                    r.left < box.left - 0.5 || r.right > box.right + 0.5 ? `'${t.textContent}' outside its chart` : null,
                    ...texts.slice(i + 1).filter(([, o]) => !apart(r, o)).map(([u]) => `'${t.textContent}' over '${u.textContent}'`),
                    ...bars.filter(b => !apart(r, b)).map(() => `'${t.textContent}' under a bar`),
                    Math.abs(scale.a - scale.d) > 0.01 ? `'${t.textContent}' stretched ${scale.a} by ${scale.d}` : null,
                ]).filter(p => p);
            })
            """);
        Assert.True(layout.Length == 0, string.Join("; ", layout));
        await Chromium.ScreenshotAsync(page, "reports");
    }

    [Fact]
    public async Task When_health_is_opened_Should_show_every_module_running_and_the_checks()
    {
        var page = await OpenAsync("/health");

        foreach (var module in new[] { "gateway", "saver", "chat", "context", "loader", "status", "scheduler", "notifier" })
            await Assertions.Expect(page.Locator("tr", new() { Has = page.Locator("td", new() { HasTextString = module }) }).First).ToContainTextAsync("1");
        await Assertions.Expect(page.Locator("[data-spooled]")).ToHaveTextAsync("0");
    }

    [Fact]
    public async Task When_backups_have_run_Should_show_the_latest_on_the_health_page()
    {
        using (var run = await captured.Host.Http.PostAsync("/api/backups/run", null, TestContext.Current.CancellationToken))
            run.EnsureSuccessStatusCode();
        // The saver's own list says when it is done; the page's figure comes from what the status module counted of it.
        await Eventually.ReturnsAsync(async () => await captured.Host.Http.GetStringAsync($"/api/sessions/{captured.SessionId}/backups", TestContext.Current.CancellationToken),
            body => JsonDocument.Parse(body).RootElement.GetProperty("backups").GetArrayLength() > 0, Within, "a backup of the session");

        var page = await OpenAsync("/health");
        await Eventually.ReturnsAsync(async () =>
            {
                await page.ReloadAsync();
                return await page.Locator("[data-last-backup]").TextContentAsync() ?? "";
            }, text => text.Length > 0 && !text.StartsWith("none", StringComparison.Ordinal), Within, "the latest backup on the health page");
        await Assertions.Expect(page.Locator("[data-last-backup]")).ToContainTextAsync("sessions)");
        await Assertions.Expect(page.Locator("[data-failed-backups]")).ToHaveTextAsync("0");
        // Each kind of backup's last run, by the module that takes it.
        foreach (var (kind, module) in new[] { ("sessions", "saver"), ("transcripts", "chat"), ("context", "context"), ("audit", "saver") })
        {
            var row = page.Locator($"[data-backup-runs] tr[data-kind={kind}]");
            await Assertions.Expect(row).ToContainTextAsync(module);
            await Assertions.Expect(row).ToContainTextAsync("ok");
            await Assertions.Expect(row).ToContainTextAsync("last run");
        }
    }
}
