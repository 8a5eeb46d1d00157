using System.Net;
using System.Net.Sockets;
using System.Text;
using SessionManagement.Testing;

namespace SessionManagement.Faults.Tests;

/// <summary>
/// Hostile input never gets a 5xx, never stops the host, and never blocks the good hooks behind it: invalid UTF-8 anywhere, NUL
/// bytes, deep nesting, a huge body, a body that stalls, and bad hooks already sitting in the spool.
/// </summary>
public sealed class HostileInputTests(EmbeddedHost shared) : IClassFixture<EmbeddedHost>
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(90);

    public static TheoryData<string> Inputs =>
    [
        "invalid UTF-8 in session_id", "invalid UTF-8 in a prompt", "a lone surrogate encoded", "raw NUL bytes", "NUL in the session id",
        "nesting 100,000 deep", "30 MB body", "escaped NUL in a prompt (valid JSON, kept)",
    ];

    // Built here, not in the theory's data: a test case's data is serialized, and 30 MB of it would cost more than the test.
    private static (byte[] Input, HttpStatusCode Expected) Hostile(string what) => what switch
    {
        "invalid UTF-8 in session_id" => (Bytes("{\"session_id\":\"s-\xff\xfe\",\"hook_event_name\":\"Stop\"}"), HttpStatusCode.BadRequest),
        "invalid UTF-8 in a prompt" => (Bytes("{\"session_id\":\"s-1\",\"hook_event_name\":\"UserPromptSubmit\",\"prompt\":\"a\xc3\x28b\"}"), HttpStatusCode.BadRequest),
        "a lone surrogate encoded" => (Bytes("{\"session_id\":\"s-1\",\"hook_event_name\":\"Stop\",\"x\":\"\xed\xa0\x80\"}"), HttpStatusCode.BadRequest),
        "raw NUL bytes" => (Bytes("{\"session_id\":\"s-1\",\"hook_event_name\":\"Stop\",\"x\":\"a\0b\"}"), HttpStatusCode.BadRequest),
        "NUL in the session id" => (Bytes("{\"session_id\":\"s\\u0000x\",\"hook_event_name\":\"Stop\"}"), HttpStatusCode.BadRequest),
        "nesting 100,000 deep" => (Bytes("{\"session_id\":\"s-1\",\"hook_event_name\":\"Stop\",\"x\":" + new string('[', 100_000) + new string(']', 100_000) + "}"), HttpStatusCode.BadRequest),
        "30 MB body" => (Bytes("{\"session_id\":\"s-1\",\"hook_event_name\":\"PostToolUse\",\"tool_response\":\"" + new string('q', 30_000_000) + "\"}"), HttpStatusCode.RequestEntityTooLarge),
        _ => (Bytes("{\"session_id\":\"%SESSION%\",\"hook_event_name\":\"UserPromptSubmit\",\"prompt\":\"a\\u0000b\",\"tool_use_id\":\"nul-kept\"}"), HttpStatusCode.OK),
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public async Task When_hostile_input_arrives_Should_answer_it_without_a_5xx_and_keep_taking_good_hooks(string what)
    {
        var (input, expected) = Hostile(what);
        var host = shared.Host; // one host takes every input in turn: none may stop it or the good hooks after it
        var load = new HookLoad("fault-hostile-" + Guid.NewGuid().ToString("N")[..8]);
        input = Encoding.Latin1.GetBytes(Encoding.Latin1.GetString(input).Replace("%SESSION%", load.SessionId, StringComparison.Ordinal));

        using var content = new ByteArrayContent(input);
        content.Headers.ContentType = new("application/json");
        var answer = await host.Http.PostAsync("/hooks", content, TestContext.Current.CancellationToken);
        await load.PostManyAsync(host.Http, 20, parallel: 2, TestContext.Current.CancellationToken);

        Assert.True(answer.StatusCode == expected, $"{what}: answered {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        var count = await load.WaitUntilStoredAsync(Path.Combine(host.DataDirectory, "session-management.db"), Within);
        Assert.Equal(20, count.Acknowledged);
        Assert.Equal(0, count.Missing);
        if (expected == HttpStatusCode.OK)
            Assert.Contains("nul-kept", load.Stored(Path.Combine(host.DataDirectory, "session-management.db")).Keys);
        Assert.False(host.HasExited);
    }

    [Fact]
    public async Task When_a_body_stalls_halfway_Should_keep_answering_other_hooks_meanwhile()
    {
        await using var host = HostProcess.Start();
        await host.WaitForAsync("/readyz", HttpStatusCode.OK, Within);
        var load = new HookLoad("fault-slow-" + Guid.NewGuid().ToString("N")[..8]);
        using var slow = new TcpClient();
        await slow.ConnectAsync(IPAddress.Loopback, host.Port, TestContext.Current.CancellationToken);
        var stream = slow.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("POST /hooks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{\"session_id\":"),
            TestContext.Current.CancellationToken);

        var answers = await load.PostManyAsync(host.Http, 50, parallel: 2, TestContext.Current.CancellationToken);

        Assert.Equal(50, answers.GetValueOrDefault(200));
        var count = await load.WaitUntilStoredAsync(Path.Combine(host.DataDirectory, "session-management.db"), Within);
        Assert.Equal(0, count.Missing);
    }

    [Fact]
    public async Task When_bad_hooks_wait_in_the_spool_Should_refuse_them_and_deliver_the_good_ones_behind_them()
    {
        var first = HostProcess.Start();
        await first.WaitForAsync("/readyz", HttpStatusCode.OK, Within);
        var smHook = first.SmHookEnvironment();
        first.Signal(HostProcess.SigTerm);
        Assert.Equal(0, await first.WaitForExitAsync(Within));
        var load = new HookLoad("fault-badspool-" + Guid.NewGuid().ToString("N")[..8]);
        await SmHookProcess.RunAsync(Bytes("{\"session_id\":\"s-\xff\",\"hook_event_name\":\"Stop\"}"), smHook);
        await SmHookProcess.RunAsync(Bytes("not json at all"), smHook);
        await load.RunSmHookAsync(smHook, 6, parallel: 1);
        await SmHookProcess.RunAsync(Bytes("{\"session_id\":\"s-1\",\"hook_event_name\":\"Stop\",\"x\":\"\0\"}"), smHook);
        await load.RunSmHookAsync(smHook, 6, parallel: 1);
        var spool = Path.Combine(first.DataDirectory, "spool");
        Assert.Equal(15, Directory.GetFiles(spool, "*.spool").Length);

        await using var second = first.StartAgain();
        await first.DisposeAsync();
        await second.WaitForAsync("/readyz", HttpStatusCode.OK, Within);

        var count = await load.WaitUntilStoredAsync(Path.Combine(second.DataDirectory, "session-management.db"), Within);
        Assert.Equal(12, count.Acknowledged);
        Assert.Equal(0, count.Missing);
        await Eventually.ReturnsAsync(() => Task.FromResult(Directory.GetFiles(spool, "*.spool").Length), n => n == 0, Within, "the spool emptied");
        var journal = await second.Http.GetStringAsync("/api/journal?status=rejected", TestContext.Current.CancellationToken);
        Assert.Equal(3, System.Text.Json.JsonDocument.Parse(journal).RootElement.GetArrayLength());
    }

    private static byte[] Bytes(string latin1) => Encoding.Latin1.GetBytes(latin1);
}
