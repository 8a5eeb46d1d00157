using System.Net;
using System.Text;
using System.Text.Json;
using SessionManagement.Testing;

namespace SessionManagement.Gateway.Tests.Bridge;

public sealed class GatewayTests(InfrastructureFixture infrastructure)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel)).RootElement;

    [Fact]
    public async Task When_hooks_arrive_Should_publish_each_with_its_raw_json_verbatim_known_event_or_not()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(infrastructure);
        var session = GatewayUnderTest.NewSessionId();
        string[] inputs =
        [
            $$"""{"session_id":"{{session}}","hook_event_name":"UserPromptSubmit","cwd":"/work/project","prompt":"fix \"it\" — ünïcode\n"}""",
            $$"""{ "session_id" : "{{session}}", "hook_event_name" : "FutureEventNobodyKnows", "extra": {"deep": [1, 2, 3]} }""",
        ];

        foreach (var input in inputs)
        {
            var response = await gateway.PostHookAsync(input);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("{}", await response.Content.ReadAsStringAsync(Cancel));
        }

        var published = await gateway.Observer.HooksAsync(session, 2);
        Assert.Equal(inputs.Order(StringComparer.Ordinal), published.Select(h => h.RawJson).Order(StringComparer.Ordinal));
        Assert.Contains(published, h => h.HookEventName == "FutureEventNobodyKnows");
        Assert.All(published, h => Assert.Equal(7, h.EventId.Version));
        Assert.Equal(published.Count, published.Select(h => h.EventId).Distinct().Count());

        var registry = await Json(await gateway.Host.Http.GetAsync("/api/hooks?project=/work/project", Cancel));
        Assert.Contains(registry.EnumerateArray(), e => e.GetProperty("hookEventName").GetString() == "UserPromptSubmit" && e.GetProperty("count").GetInt64() >= 1);
    }

    [Fact]
    public async Task When_SessionStart_and_the_loader_answers_Should_return_its_context_as_additionalContext()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(infrastructure, GatewayUnderTest.PatientLoader);
        var session = GatewayUnderTest.NewSessionId();
        gateway.Observer.Observed.ContextToAnswer[session] = "Last time: you were fixing the flaky test.";

        var response = await gateway.PostHookAsync($$"""{"session_id":"{{session}}","hook_event_name":"SessionStart","source":"resume"}""");

        var output = await Json(response);
        Assert.Equal("SessionStart", output.GetProperty("hookSpecificOutput").GetProperty("hookEventName").GetString());
        Assert.Equal("Last time: you were fixing the flaky test.", output.GetProperty("hookSpecificOutput").GetProperty("additionalContext").GetString());
    }

    [Fact]
    public async Task When_SessionStart_and_no_loader_answers_by_the_deadline_Should_answer_without_context()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(infrastructure);
        var session = GatewayUnderTest.NewSessionId();

        var response = await gateway.PostHookAsync($$"""{"session_id":"{{session}}","hook_event_name":"SessionStart","source":"startup"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{}", await response.Content.ReadAsStringAsync(Cancel));
        Assert.Single(await gateway.Observer.HooksAsync(session, 1)); // captured all the same
        await Eventually.ReturnsAsync(() => Task.FromResult(gateway.Host.Output), // the console logger writes asynchronously
            output => output.Contains("No SessionStart context for " + session, StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the fail-open line in the log");
    }

    [Theory]
    [InlineData("", "empty input")]
    [InlineData("{\"session_id\":\"s\",\"hook_event_name\":", "malformed JSON")]
    [InlineData("{\"session_id\":\"../../etc\",\"hook_event_name\":\"Stop\"}", "invalid session_id")]
    [InlineData("[1,2,3]", "not a JSON object")]
    public async Task When_the_input_is_bad_Should_refuse_it_and_keep_the_raw_input_in_the_journal(string input, string problem)
    {
        await using var gateway = await GatewayUnderTest.StartAsync(infrastructure);

        var response = await gateway.PostHookAsync(input);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var answer = await Json(response);
        Assert.Contains(problem, answer.GetProperty("error").GetString(), StringComparison.Ordinal);
        var eventId = answer.GetProperty("eventId").GetString();
        var journal = await Json(await gateway.Host.Http.GetAsync("/api/journal?status=rejected", Cancel));
        var kept = Assert.Single(journal.EnumerateArray(), r => r.GetProperty("eventId").GetString() == eventId);
        Assert.Equal(input, Encoding.UTF8.GetString(kept.GetProperty("rawInput").GetBytesFromBase64()));
        await Eventually.ReturnsAsync(() => Task.FromResult(gateway.Host.Output),
            output => output.Contains(problem, StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the rejection in the log");
        Assert.False(gateway.Host.HasExited);
    }

    [Fact]
    public async Task When_the_input_is_over_the_cap_Should_refuse_it_keeping_its_head_its_length_and_its_hash()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(infrastructure, new Dictionary<string, string>
        {
            ["SM_Gateway__MaxPayloadBytes"] = "4096",
            ["SM_Gateway__RejectedKeepBytes"] = "1024",
        });
        var huge = $$"""{"session_id":"s-big","hook_event_name":"PostToolUse","tool_response":"{{new string('z', 200_000)}}"}""";
        var bytes = Encoding.UTF8.GetBytes(huge);

        var response = await gateway.PostHookAsync(huge);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var answer = await Json(response);
        var keptAt = answer.GetProperty("kept").GetString()!;
        Assert.Equal(bytes[..1024], await File.ReadAllBytesAsync(keptAt, Cancel));
        var eventId = answer.GetProperty("eventId").GetString();
        var journal = await Json(await gateway.Host.Http.GetAsync("/api/journal?status=rejected", Cancel));
        var record = journal.EnumerateArray().Single(r => r.GetProperty("eventId").GetString() == eventId);
        Assert.Equal(bytes.Length, record.GetProperty("sizeBytes").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), record.GetProperty("rawSha256").GetString());
    }

    [Fact]
    public async Task When_the_rejected_folder_is_over_its_budget_Should_still_refuse_and_journal_without_keeping_more()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(infrastructure, new Dictionary<string, string>
        {
            ["SM_Gateway__MaxPayloadBytes"] = "4096",
            ["SM_Gateway__RejectedKeepBytes"] = "4096",
            ["SM_Gateway__RejectedBudgetBytes"] = "10000",
        });
        var huge = $$"""{"session_id":"s-big","hook_event_name":"PostToolUse","tool_response":"{{new string('y', 50_000)}}"}""";

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
            answers.Add((await gateway.PostHookAsync(huge)).StatusCode);

        Assert.All(answers, status => Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status));
        var folder = Path.Combine(gateway.Host.DataDirectory, "rejected");
        Assert.Equal(2, Directory.GetFiles(folder).Length); // 2 × 4096 fit in 10,000; the third and fourth would not
        var journal = await Json(await gateway.Host.Http.GetAsync("/api/journal?status=rejected", Cancel));
        Assert.Equal(4, journal.EnumerateArray().Count(r => r.GetProperty("sizeBytes").GetInt64() == Encoding.UTF8.GetByteCount(huge)));
    }

    [Fact]
    public async Task When_the_status_line_is_asked_for_Should_render_one_row_from_the_input_and_the_capture_state()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(infrastructure);
        var session = GatewayUnderTest.NewSessionId();
        await gateway.PostHookAsync($$"""{"session_id":"{{session}}","hook_event_name":"UserPromptSubmit","prompt":"hi"}""");
        var status = $$$"""
            {"session_id":"{{{session}}}","model":{"id":"claude-opus","display_name":"Opus"},"workspace":{"project_dir":"/work/shop"},
             "cost":{"total_cost_usd":1.5,"total_duration_ms":125000},"context_window":{"used_percentage":72.4}}
            """;

        var row = await (await gateway.Host.Http.PostAsync("/statusline?colour=0", new StringContent(status), Cancel)).Content.ReadAsStringAsync(Cancel);

        Assert.Equal("Opus │ shop │ 2m05s │ $1.50 │ ctx 72% │ ● 1 captured", row);
    }

    [Fact]
    public async Task When_a_bearer_token_is_set_Should_refuse_requests_without_it()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(infrastructure, new Dictionary<string, string> { ["SM_Gateway__BearerToken"] = "s3cret" });
        const string hook = """{"session_id":"s-token","hook_event_name":"Stop"}""";

        var anonymous = await gateway.PostHookAsync(hook);
        using var authorised = new HttpRequestMessage(HttpMethod.Post, "/hooks") { Content = new StringContent(hook) };
        authorised.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "s3cret");
        var withToken = await gateway.Host.Http.SendAsync(authorised, Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withToken.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await gateway.Host.Http.GetAsync("/healthz", Cancel)).StatusCode);
    }

    [Fact]
    public async Task When_listening_beyond_loopback_without_a_token_Should_refuse_to_start()
    {
        await using var host = HostProcess.Start(new Dictionary<string, string> { ["SM_Http__Urls"] = "http://0.0.0.0:4999" });

        Assert.Equal(2, await host.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("Gateway:BearerToken", host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_a_hook_comes_from_inside_a_git_repository_Should_stamp_the_checked_out_branch()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(infrastructure);
        using var repository = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(repository.Path, ".git"));
        await File.WriteAllTextAsync(Path.Combine(repository.Path, ".git", "HEAD"), "ref: refs/heads/feature/login\n", Cancel);
        var inside = Path.Combine(repository.Path, "src", "app");
        Directory.CreateDirectory(inside);
        var session = GatewayUnderTest.NewSessionId();

        await gateway.PostHookAsync(System.Text.Json.JsonSerializer.Serialize(new { session_id = session, hook_event_name = "UserPromptSubmit", cwd = inside, prompt = "hi" }));
        await gateway.PostHookAsync(System.Text.Json.JsonSerializer.Serialize(new { session_id = session, hook_event_name = "Notification", cwd = "/nowhere/near/git" }));

        var published = await gateway.Observer.HooksAsync(session, 2);
        Assert.Equal("feature/login", published.Single(h => h.HookEventName == "UserPromptSubmit").GitBranch);
        Assert.Null(published.Single(h => h.HookEventName == "Notification").GitBranch);
    }
}
