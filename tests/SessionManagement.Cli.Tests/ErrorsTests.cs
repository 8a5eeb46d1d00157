using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using SessionManagement.Hosting.Configuration;
using SessionManagement.Testing;

namespace SessionManagement.Cli.Tests;

/// <summary>
/// smctl errors: a message a module failed over RabbitMQ is listed with its reason and, once the fault is gone, replayed and
/// stored once; an input the gateway refused is listed and, submitted again once the rule that refused it changed, kept.
/// </summary>
public sealed class ErrorsTests(InfrastructureFixture infrastructure)
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task When_the_saver_fails_a_hook_over_RabbitMq_Should_list_it_with_its_reason_and_store_it_once_after_a_replay()
    {
        await using var vhost = await RabbitMqVirtualHost.CreateAsync(await infrastructure.RabbitMqUriAsync(), "errors");
        if (vhost.Management is not { } broker)
        {
            Assert.Skip("the broker's management API is not reachable on port 15672; error queues are listed from it");
            return;
        }
        var rabbitMq = vhost.Uri;
        var prefix = "test-errors-";
        await using var host = HostProcess.Start(new Dictionary<string, string>
        {
            ["SM_Bus__Transport"] = "RabbitMq",
            ["SM_Bus__RabbitMqUri"] = rabbitMq,
            ["SM_Bus__EndpointPrefix"] = prefix,
            // Durable queues, as a deployment has them: a temporary endpoint's error queue is its connection's own (exclusive).
            ["SM_Bus__TemporaryEndpoints"] = "false",
            ["SM_Bus__RetryIntervalsMs__0"] = "10",
            ["SM_Bus__RetryIntervalsMs__1"] = "10",
            ["SM_Bus__RetryIntervalsMs__2"] = "10",
        }, "--target=all");
        await host.WaitForAsync("/readyz", HttpStatusCode.OK, Within);
        var store = Path.Combine(host.DataDirectory, "session-management.db");
        var session = "errors-" + Guid.NewGuid().ToString("N")[..8];
        var smctl = new Dictionary<string, string> { ["SM_GATEWAY_URL"] = host.BaseAddress.ToString() };

        SqliteFile.Execute(store, "CREATE TRIGGER errors_refuse BEFORE INSERT ON saver_events BEGIN SELECT RAISE(ABORT, 'refused by the errors test'); END");
        await host.PostHookAsync($$"""{"session_id":"{{session}}","hook_event_name":"PostToolUse","tool_name":"Read","tool_use_id":"toolu_errors_1"}""", Cancel);
        // The broker's own word: the saver's error queue holds the hook.
        await Eventually.ReturnsAsync(() => DepthAsync(broker, vhost, prefix + "hook-event-batch_error"), n => n == 1, Within, "the hook in the saver's error queue");
        var listed = await Eventually.ReturnsAsync(async () => await SmctlProcess.RunAsync(smctl, "errors", "list", "--json"),
            run => run.ExitCode == 0 && run.Stdout.Contains("hook-event-batch_error", StringComparison.Ordinal), Within, "smctl errors list naming the error queue");
        var doctor = await SmctlProcess.RunAsync(smctl, "doctor", "--json");
        var storedWhileFailing = StoredCount(store, session);
        SqliteFile.Execute(store, "DROP TRIGGER errors_refuse");
        var replay = await SmctlProcess.RunAsync(smctl, "errors", "replay", prefix + "hook-event-batch", "--json");
        var stored = await Eventually.ReturnsAsync(() => Task.FromResult(StoredCount(store, session)), n => n == 1, Within, "the replayed hook stored");
        await Eventually.ReturnsAsync(() => DepthAsync(broker, vhost, prefix + "hook-event-batch_error"), n => n == 0, Within, "the error queue emptied");

        var errorsCheck = JsonDocument.Parse(doctor.Stdout).RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "errors");
        Assert.False(errorsCheck.GetProperty("ok").GetBoolean());
        Assert.Contains("1 failed message waits, not stored, in " + prefix + "hook-event-batch_error (1)", errorsCheck.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.NotEqual(0, doctor.ExitCode);
        var queue = JsonDocument.Parse(listed.Stdout).RootElement.GetProperty("queues").EnumerateArray()
            .Single(q => q.GetProperty("queue").GetString() == prefix + "hook-event-batch");
        Assert.Equal(1, queue.GetProperty("messages").GetInt64());
        var fault = Assert.Single(queue.GetProperty("faults").EnumerateArray());
        Assert.Contains("refused by the errors test", fault.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("HookEventCaptured", fault.GetProperty("messageType").GetString());
        Assert.Equal(0, storedWhileFailing);
        Assert.True(replay.ExitCode == 0, replay.Stderr);
        Assert.Equal(1, JsonDocument.Parse(replay.Stdout).RootElement.GetProperty("moved").GetInt32());
        Assert.Equal(1, stored);
        // A second replay has nothing to move; a queue that is not this deployment's is refused with its own exit code.
        var again = await SmctlProcess.RunAsync(smctl, "errors", "replay", prefix + "hook-event-batch", "--json");
        var unknown = await SmctlProcess.RunAsync(smctl, "errors", "replay", "no-such-queue");
        Assert.Equal(0, JsonDocument.Parse(again.Stdout).RootElement.GetProperty("moved").GetInt32());
        Assert.Equal(4, unknown.ExitCode);
        Assert.Contains("no-such-queue", unknown.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_an_input_was_refused_Should_list_why_and_keep_it_once_submitted_again_under_a_rule_that_takes_it()
    {
        await using var first = HostProcess.Start(new Dictionary<string, string> { ["SM_Gateway__MaxPayloadBytes"] = "1024" });
        await first.WaitForAsync("/readyz", HttpStatusCode.OK, Within);
        var session = "refused-" + Guid.NewGuid().ToString("N")[..8];
        var body = $$"""{"session_id":"{{session}}","hook_event_name":"UserPromptSubmit","prompt":"{{new string('x', 2_000)}}"}""";
        using (var refused = await first.Http.PostAsync("/hooks", new StringContent(body, Encoding.UTF8, "application/json"), Cancel))
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        var smctl = new Dictionary<string, string> { ["SM_GATEWAY_URL"] = first.BaseAddress.ToString() };
        var listed = await SmctlProcess.RunAsync(smctl, "errors", "list", "--json");
        var table = await SmctlProcess.RunAsync(smctl, "errors", "list");
        await first.KillAsync();
        await using var second = first.StartAgain("--Gateway:MaxPayloadBytes=1048576");
        await first.DisposeAsync();
        await second.WaitForAsync("/readyz", HttpStatusCode.OK, Within);
        smctl["SM_GATEWAY_URL"] = second.BaseAddress.ToString();

        var replay = await SmctlProcess.RunAsync(smctl, "errors", "replay", "--rejected", "--json");
        var store = Path.Combine(second.DataDirectory, "session-management.db");
        await Eventually.ReturnsAsync(() => Task.FromResult(StoredCount(store, session)), n => n == 1, Within, "the accepted input stored");

        Assert.True(listed.ExitCode == 0, listed.Stderr);
        var errors = JsonDocument.Parse(listed.Stdout).RootElement;
        Assert.Empty(errors.GetProperty("queues").EnumerateArray()); // embedded: no error queues
        var rejected = Assert.Single(errors.GetProperty("rejected").EnumerateArray());
        Assert.Equal(("whole", (long)Encoding.UTF8.GetByteCount(body)), (rejected.GetProperty("kept").GetString(), rejected.GetProperty("sizeBytes").GetInt64()));
        Assert.Contains("1024", rejected.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Contains("Refused input", table.Stdout, StringComparison.Ordinal);
        Assert.True(replay.ExitCode == 0, replay.Stderr);
        Assert.Equal("accepted", Assert.Single(JsonDocument.Parse(replay.Stdout).RootElement.GetProperty("replayed").EnumerateArray()).GetProperty("outcome").GetString());
        // Kept byte for byte as it was first sent (the saver keeps a hook's JSON compressed).
        var raw = (byte[])SqliteFile.Scalar(store, "SELECT raw_json FROM saver_events WHERE session_id = $s", ("$s", session))!;
        var encoding = (string)SqliteFile.Scalar(store, "SELECT raw_encoding FROM saver_events WHERE session_id = $s", ("$s", session))!;
        Assert.Equal(("br", body), (encoding, SqliteFile.Unpacked(raw, encoding)));
    }

    private static long StoredCount(string store, string session) =>
        SqliteFile.Count(store, "SELECT count(*) FROM saver_events WHERE session_id = $s", ("$s", session));

    private static async Task<long> DepthAsync(HttpClient broker, RabbitMqVirtualHost vhost, string queue)
    {
        using var response = await broker.GetAsync($"api/queues/{vhost.Escaped}/{Uri.EscapeDataString(queue)}", Cancel);
        if (response.StatusCode == HttpStatusCode.NotFound)
            return -1;
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel));
        return json.RootElement.TryGetProperty("messages", out var messages) && messages.TryGetInt64(out var n) ? n : -1;
    }
}
