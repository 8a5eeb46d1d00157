using System.Net;
using SessionManagement.Bridge;
using SessionManagement.Gateway.Spool;
using SessionManagement.Testing;

namespace SessionManagement.Gateway.Tests.Bridge;

public sealed class SmHookTests(InfrastructureFixture infrastructure)
{
    private const string NoGateway = "http://127.0.0.1:1";
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>
    /// sm-hook's settings for a test. Its waits are long: these tests check what sm-hook does with the gateway's answer, not how
    /// soon it comes, and a freshly started host on a loaded test machine may take longer than the defaults (3 s for a hook,
    /// 500 ms for the status line) to answer its first request; a wait that ran out would look like a gateway that is down.
    /// </summary>
    private static Dictionary<string, string> Environment(string gatewayUrl, string spool) => new()
    {
        ["SM_GATEWAY_URL"] = gatewayUrl,
        ["SM_SPOOL_DIR"] = spool,
        ["CLAUDE_PROJECT_DIR"] = "/work/project",
        ["SM_HOOK_TIMEOUT_MS"] = "30000", // longer than the patient loader's deadline
        ["SM_STATUSLINE_TIMEOUT_MS"] = "10000",
    };

    [Fact]
    public async Task When_the_gateway_is_up_Should_deliver_the_hook_and_print_the_SessionStart_context()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(infrastructure, GatewayUnderTest.PatientLoader);
        using var spool = new TempDirectory();
        var session = GatewayUnderTest.NewSessionId();
        gateway.Observer.Observed.ContextToAnswer[session] = "Resume: the parser refactor is half done.";

        var environment = Environment(gateway.Host.BaseAddress.ToString(), spool.Path); // its hook wait is longer than the (patient) loader deadline

        var result = await SmHookProcess.RunAsync($$"""{"session_id":"{{session}}","hook_event_name":"SessionStart","source":"resume"}""", environment);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("\"additionalContext\":\"Resume: the parser refactor is half done.\"", result.Stdout, StringComparison.Ordinal);
        var published = Assert.Single(await gateway.Observer.HooksAsync(session, 1));
        Assert.Equal("SessionStart", published.HookEventName);
        Assert.Empty(new SpoolDirectory(spool.Path).List());
    }

    [Theory]
    [InlineData("")]
    [InlineData("{not json")]
    [InlineData("{\"session_id\":\"a/b\",\"hook_event_name\":\"Stop\"}")]
    public async Task When_the_input_is_bad_Should_exit_0_print_nothing_and_leave_it_with_the_gateway(string input)
    {
        await using var gateway = await GatewayUnderTest.StartAsync(infrastructure);
        using var spool = new TempDirectory();

        var result = await SmHookProcess.RunAsync(input, Environment(gateway.Host.BaseAddress.ToString(), spool.Path));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Contains("gateway refused hook", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(new SpoolDirectory(spool.Path).List());
    }

    /// <summary>
    /// Claude Code's teardown of a <c>claude -p</c> session sends SIGTERM to the background hooks still running. Here the gateway
    /// (a listener of the test's own) takes the request and never answers, and the signal comes while sm-hook waits for it: the
    /// hook must still be kept, spooled once the wait runs out, and sm-hook exit 0 rather than die of the signal.
    /// </summary>
    [Fact]
    public async Task When_Claude_Code_ends_the_hook_while_it_is_delivered_Should_keep_the_hook_all_the_same()
    {
        var (hook, stderr, spool, marker) = await TearDownAsync("1500");
        using var ended = hook;
        using var kept = spool;

        await hook.WaitForExitAsync(Cancel);

        Assert.True(hook.ExitCode == 0, $"sm-hook exited {hook.ExitCode}: {await stderr}");
        var spooled = Assert.Single(new SpoolDirectory(spool.Path).List());
        Assert.Contains(marker, System.Text.Encoding.UTF8.GetString(SpoolDirectory.Read(spooled).Payload), StringComparison.Ordinal);
    }

    /// <summary>
    /// As Claude Code 2.1.332 tears a <c>claude -p</c> session down: SIGKILL 1.2 s after the SIGTERM, here while a gateway that
    /// never answers holds the hook, and with sm-hook told to wait a minute for it. A hook whose answer nobody reads is spooled
    /// before the kill all the same.
    /// </summary>
    [Fact]
    public async Task When_the_gateway_outlasts_Claude_Codes_teardown_Should_have_spooled_the_hook_before_the_kill()
    {
        var (hook, _, spool, marker) = await TearDownAsync("60000");
        using var ended = hook;
        using var kept = spool;

        using var grace = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        grace.CancelAfter(TimeSpan.FromSeconds(1.2));
        try
        {
            await hook.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException) when (!Cancel.IsCancellationRequested)
        {
            hook.Kill();
            await hook.WaitForExitAsync(Cancel);
        }

        var spooled = Assert.Single(new SpoolDirectory(spool.Path).List());
        Assert.Contains(marker, System.Text.Encoding.UTF8.GetString(SpoolDirectory.Read(spooled).Payload), StringComparison.Ordinal);
    }

    /// <summary>
    /// A UserPromptSubmit hook (run in the background) sent to a listener of the test's own that takes the request and never answers;
    /// once the request has arrived, SIGTERM, as Claude Code's teardown sends it. Returns the running sm-hook.
    /// </summary>
    private static async Task<(System.Diagnostics.Process Hook, Task<string> Stderr, TempDirectory Spool, string Marker)> TearDownAsync(string timeoutMs)
    {
        var spool = new TempDirectory();
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var environment = Environment($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}", spool.Path);
        environment["SM_HOOK_TIMEOUT_MS"] = timeoutMs;
        var marker = "torn-down-" + Guid.NewGuid().ToString("N")[..8];
        var (file, prefix) = SmHookProcess.Command();
        var start = new System.Diagnostics.ProcessStartInfo(file) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in prefix)
            start.ArgumentList.Add(argument);
        foreach (var (key, value) in environment)
            start.Environment[key] = value;
        var hook = System.Diagnostics.Process.Start(start)!;
        var stderr = hook.StandardError.ReadToEndAsync(Cancel);
        await hook.StandardInput.WriteAsync($$"""{"session_id":"s-{{marker}}","hook_event_name":"UserPromptSubmit","prompt":"{{marker}}"}""");
        hook.StandardInput.Close();

        // The request has reached the "gateway": sm-hook now waits for an answer that never comes, and is told to end.
        var connection = await listener.AcceptTcpClientAsync(Cancel);
        var received = new List<byte>();
        var buffer = new byte[4096];
        while (!System.Text.Encoding.UTF8.GetString([.. received]).Contains(marker, StringComparison.Ordinal))
            received.AddRange(buffer.AsSpan(0, await connection.GetStream().ReadAsync(buffer, Cancel)).ToArray());
        using (var term = System.Diagnostics.Process.Start("kill", ["-TERM", hook.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await term.WaitForExitAsync(Cancel);
        _ = hook.WaitForExitAsync(Cancel).ContinueWith(_ => connection.Dispose(), TaskScheduler.Default); // the connection stays open until sm-hook ends
        return (hook, stderr, spool, marker);
    }

    [Fact]
    public async Task When_a_hook_with_secrets_is_spooled_Should_write_no_secret_to_this_machines_disk()
    {
        using var spool = new TempDirectory();
        const string hook = """{"session_id":"s-spooled-secret","hook_event_name":"UserPromptSubmit","prompt":"deploy with AKIAIOSFODNN7EXAMPLE and password=hunter2xyz, <private>door 4711</private>"}""";

        var down = await SmHookProcess.RunAsync(hook, Environment(NoGateway, spool.Path));

        Assert.Equal(0, down.ExitCode);
        var file = Assert.Single(Directory.GetFiles(spool.Path, "*", SearchOption.AllDirectories));
        var bytes = System.Text.Encoding.Latin1.GetString(await File.ReadAllBytesAsync(file, Cancel));
        foreach (var secret in new[] { "AKIAIOSFODNN7EXAMPLE", "hunter2xyz", "door 4711" })
            Assert.DoesNotContain(secret, bytes, StringComparison.Ordinal);
        var payload = System.Text.Json.JsonDocument.Parse(SpoolDirectory.Read(file).Payload).RootElement.GetProperty("prompt").GetString();
        Assert.Equal("deploy with [redacted:aws-key] and password=[redacted:password], [redacted:private]", payload);
    }

    [Fact]
    public async Task When_the_gateway_is_down_Should_spool_then_drain_in_capture_order_exactly_once()
    {
        using var spool = new TempDirectory();
        var session = GatewayUnderTest.NewSessionId();
        for (var i = 0; i < 5; i++)
        {
            var down = await SmHookProcess.RunAsync($$"""{"session_id":"{{session}}","hook_event_name":"UserPromptSubmit","prompt":"step {{i}}"}""",
                Environment(NoGateway, spool.Path));
            Assert.Equal(0, down.ExitCode);
            Assert.Equal("", down.Stdout);
            Assert.Contains("spooled", down.Stderr, StringComparison.Ordinal);
        }
        var spooledIds = new SpoolDirectory(spool.Path).List().Select(f => SpoolDirectory.Read(f).EventId).ToList();
        Assert.Equal(5, spooledIds.Count);

        // The gateway drains the shared spool at start while sm-hook drain races it: each event must still go out once.
        await using var gateway = await GatewayUnderTest.StartAsync(infrastructure, new Dictionary<string, string> { ["SM_SPOOL_DIR"] = spool.Path });
        var drain = await SmHookProcess.RunAsync("", Environment(gateway.Host.BaseAddress.ToString(), spool.Path), "drain");
        Assert.Equal(0, drain.ExitCode);
        await Eventually.ReturnsAsync(() => Task.FromResult(new SpoolDirectory(spool.Path).List().Count), count => count == 0, TimeSpan.FromSeconds(30), "the spool emptied");
        await gateway.PostHookAsync($$"""{"session_id":"{{session}}","hook_event_name":"Stop"}""");

        var published = await gateway.Observer.HooksAsync(session, 6);
        var replayed = published.Where(h => h.HookEventName == "UserPromptSubmit").ToList();
        Assert.Equal(spooledIds, replayed.Select(h => h.EventId));
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"step {i}"), replayed.Select(h => System.Text.Json.JsonDocument.Parse(h.RawJson).RootElement.GetProperty("prompt").GetString()));
        Assert.Equal(replayed.OrderBy(h => h.ReceivedAt).Select(h => h.EventId), replayed.Select(h => h.EventId));
        Assert.Equal("Stop", published[^1].HookEventName);
    }

    [Fact]
    public async Task When_hundreds_of_hooks_wait_in_the_spool_Should_replay_them_together_in_capture_order()
    {
        using var spool = new TempDirectory();
        var directory = new SpoolDirectory(spool.Path);
        var session = GatewayUnderTest.NewSessionId();
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        string[] names = ["SessionStart", "UserPromptSubmit", "PreToolUse", "PostToolUse", "Notification", "Stop"];
        var written = new List<Guid>();
        for (var i = 0; i < 3 * SpoolDrainer.ReplayTogether + 7; i++) // three groups and part of one: the order holds across groups too
        {
            var id = Guid.CreateVersion7();
            written.Add(id);
            directory.Append(new SpoolRecord(id, at.AddMilliseconds(i), "h", "u", null, "test", "test",
                System.Text.Encoding.UTF8.GetBytes($$"""{"session_id":"{{session}}","hook_event_name":"{{names[i % names.Length]}}","n":{{i}}}""")));
        }

        await using var gateway = await GatewayUnderTest.StartAsync(infrastructure, new Dictionary<string, string> { ["SM_SPOOL_DIR"] = spool.Path });
        var published = await gateway.Observer.HooksAsync(session, written.Count, TimeSpan.FromSeconds(120));

        // In the order the spool holds them, the two message types interleaved, each once.
        Assert.Equal(written, published.Select(h => h.EventId));
        Assert.Equal(Enumerable.Range(0, written.Count),
            published.Select(h => System.Text.Json.JsonDocument.Parse(h.RawJson).RootElement.GetProperty("n").GetInt32()));
        await Eventually.ReturnsAsync(() => Task.FromResult(directory.List().Count), count => count == 0, TimeSpan.FromSeconds(30), "the spool emptied");
    }

    [Fact]
    public async Task When_the_gateway_answers_500_Should_spool_the_hook_and_still_exit_0()
    {
        using var spool = new TempDirectory();
        using var listener = new HttpListener();
        var port = FreePort();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var broken = Task.Run(async () =>
        {
            var context = await listener.GetContextAsync();
            context.Response.StatusCode = 500;
            context.Response.Close();
        }, Cancel);
        const string input = """{"session_id":"s-500","hook_event_name":"PostToolUse","tool_name":"Edit"}""";

        var result = await SmHookProcess.RunAsync(input, Environment($"http://127.0.0.1:{port}", spool.Path));
        await broken;

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("gateway answered 500", result.Stderr, StringComparison.Ordinal);
        var spooled = SpoolDirectory.Read(Assert.Single(new SpoolDirectory(spool.Path).List()));
        Assert.Equal(input, System.Text.Encoding.UTF8.GetString(spooled.Payload));
    }

    [Fact]
    public async Task When_the_gateway_fails_one_spooled_hook_Should_drain_the_ones_behind_it_and_keep_that_one()
    {
        using var spool = new TempDirectory();
        var directory = new SpoolDirectory(spool.Path);
        var at = DateTimeOffset.UtcNow;
        foreach (var (i, name) in new[] { (0, "first"), (1, "poison"), (2, "third"), (3, "fourth") })
            directory.Append(new SpoolRecord(Guid.CreateVersion7(), at.AddMilliseconds(i), "h", "u", null, "test", "test",
                System.Text.Encoding.UTF8.GetBytes($$"""{"session_id":"s-{{name}}","hook_event_name":"Stop"}""")));
        using var listener = new HttpListener();
        var port = FreePort();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var received = new List<string>();
        var gateway = Task.Run(async () =>
        {
            for (var i = 0; i < 4; i++)
            {
                var context = await listener.GetContextAsync().WaitAsync(TimeSpan.FromSeconds(30), Cancel);
                using var reader = new StreamReader(context.Request.InputStream);
                var body = await reader.ReadToEndAsync(Cancel);
                received.Add(body);
                context.Response.StatusCode = body.Contains("poison", StringComparison.Ordinal) ? 500 : 200;
                context.Response.Close();
            }
        }, Cancel);

        var drain = await SmHookProcess.RunAsync("", Environment($"http://127.0.0.1:{port}", spool.Path), "drain");
        await gateway;

        Assert.Equal(4, received.Count);
        Assert.Equal(1, drain.ExitCode);
        var left = SpoolDirectory.Read(Assert.Single(directory.List()));
        Assert.Contains("poison", System.Text.Encoding.UTF8.GetString(left.Payload), StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    [Fact]
    public async Task When_the_status_line_runs_Should_show_capture_state_with_and_without_the_gateway()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(infrastructure);
        using var spool = new TempDirectory();
        const string status = """{"session_id":"x","model":{"display_name":"Sonnet"},"workspace":{"project_dir":"/w/api"},"context_window":{"used_percentage":10}}""";
        var quiet = new Dictionary<string, string>(Environment(gateway.Host.BaseAddress.ToString(), spool.Path)) { ["NO_COLOR"] = "1" };

        var up = await SmHookProcess.RunAsync(status, quiet, "statusline");
        quiet["SM_GATEWAY_URL"] = NoGateway;
        var down = await SmHookProcess.RunAsync(status, quiet, "statusline");

        Assert.Equal("Sonnet │ api │ ctx 10% │ ● 0 captured", up.Stdout.TrimEnd());
        Assert.Equal("Sonnet │ api │ ctx 10% │ ○ not capturing (gateway down, spooling)", down.Stdout.TrimEnd());
        Assert.Equal(0, down.ExitCode);
    }
}
