using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SessionManagement.Testing;

/// <summary>
/// A stand-in for the Anthropic Messages API that answers the real Claude Code CLI (<c>ANTHROPIC_BASE_URL</c>) from a script:
/// each request of the agent loop (one that offers tools) takes the next <see cref="Reply"/>, streamed as server-sent events the
/// way the API streams them, with a <c>request-id</c> header and token usage. Requests that offer no tools (Claude Code's own
/// small background asks) get a short text. Every request is kept, for a test to look at what Claude Code sent.
/// </summary>
public sealed class ScriptedModelServer : IAsyncDisposable
{
    public const string Model = "claude-sonnet-4-6";

    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<Reply> _script = new();
    private readonly Task _serving;
    private int _responses;

    public ScriptedModelServer()
    {
        var port = FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        _listener.Prefixes.Add(BaseAddress + "/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public Uri BaseAddress { get; }

    /// <summary>The agent-loop requests received, in order (their JSON bodies).</summary>
    public ConcurrentQueue<JsonObject> AgentRequests { get; } = new();

    /// <summary>What went wrong serving, if anything (a request the script had no reply for).</summary>
    public ConcurrentQueue<string> Problems { get; } = new();

    /// <summary>The environment that points Claude Code here, with a key that is not a real one.</summary>
    public IReadOnlyDictionary<string, string> ClaudeEnvironment => new Dictionary<string, string>
    {
        ["ANTHROPIC_BASE_URL"] = BaseAddress.ToString().TrimEnd('/'),
        ["ANTHROPIC_API_KEY"] = "sk-ant-test-scripted",
        ["ANTHROPIC_MODEL"] = Model,
        ["ANTHROPIC_SMALL_FAST_MODEL"] = Model,
        ["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"] = "1",
        ["DISABLE_AUTOUPDATER"] = "1",
        ["DISABLE_TELEMETRY"] = "1",
    };

    /// <summary>Queues the next replies of the agent loop.</summary>
    public void Then(params Reply[] replies)
    {
        foreach (var reply in replies)
            _script.Enqueue(reply);
    }

    /// <summary>Replies still waiting in the script.</summary>
    public int Waiting => _script.Count;

    /// <summary>One answer of the model: text, or a tool call (its input as JSON), with the tokens it reports.</summary>
    public sealed record Reply(string? Text = null, string? Tool = null, string? Input = null, int InputTokens = 120, int OutputTokens = 30,
        int CacheRead = 0, int CacheCreation = 0)
    {
        public static Reply Say(string text, int outputTokens = 30) => new(Text: text, OutputTokens: outputTokens);

        public static Reply Call(string tool, object input, int outputTokens = 40) => new(Tool: tool, Input: JsonSerializer.Serialize(input), OutputTokens: outputTokens);
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (!_listener.IsListening)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }
            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        try
        {
            var path = context.Request.Url!.AbsolutePath;
            string body;
            using (var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8))
                body = await reader.ReadToEndAsync();
            if (path.EndsWith("/count_tokens", StringComparison.Ordinal))
            {
                await WriteJsonAsync(context, """{"input_tokens":100}""");
                return;
            }
            if (!path.EndsWith("/v1/messages", StringComparison.Ordinal))
            {
                context.Response.StatusCode = 404;
                await WriteJsonAsync(context, """{"type":"error","error":{"type":"not_found_error","message":"not scripted"}}""");
                return;
            }
            var request = JsonNode.Parse(body)!.AsObject();
            var agentLoop = request["tools"] is JsonArray { Count: > 0 };
            Reply reply;
            if (agentLoop)
            {
                AgentRequests.Enqueue(request);
                if (!_script.TryDequeue(out reply!))
                {
                    Problems.Enqueue("an agent-loop request came with nothing left in the script");
                    reply = Reply.Say("The script has nothing more to say.");
                }
            }
            else
            {
                reply = Reply.Say("ok", outputTokens: 1);
            }
            var number = Interlocked.Increment(ref _responses);
            context.Response.Headers["request-id"] = $"req_scripted_{number:D4}";
            if (request["stream"]?.GetValue<bool>() == true)
                await StreamAsync(context, reply, number);
            else
                await WriteJsonAsync(context, Whole(reply, number).ToJsonString());
        }
        catch (Exception error)
        {
            Problems.Enqueue(error.ToString());
            try
            {
                context.Response.StatusCode = 500;
                context.Response.Close();
            }
            catch (Exception)
            {
                // the client went away
            }
        }
    }

    private static JsonObject Usage(Reply reply, bool withOutput) => new()
    {
        ["input_tokens"] = reply.InputTokens,
        ["cache_creation_input_tokens"] = reply.CacheCreation,
        ["cache_read_input_tokens"] = reply.CacheRead,
        ["output_tokens"] = withOutput ? reply.OutputTokens : 1,
    };

    private static JsonObject Block(Reply reply, int number, bool whole) => reply.Tool is null
        ? new JsonObject { ["type"] = "text", ["text"] = whole ? reply.Text : "" }
        : new JsonObject { ["type"] = "tool_use", ["id"] = $"toolu_scripted_{number:D4}", ["name"] = reply.Tool, ["input"] = whole ? JsonNode.Parse(reply.Input!) : new JsonObject() };

    private static JsonObject Whole(Reply reply, int number) => new()
    {
        ["id"] = $"msg_scripted_{number:D4}",
        ["type"] = "message",
        ["role"] = "assistant",
        ["model"] = Model,
        ["content"] = new JsonArray(Block(reply, number, whole: true)),
        ["stop_reason"] = reply.Tool is null ? "end_turn" : "tool_use",
        ["stop_sequence"] = null,
        ["usage"] = Usage(reply, withOutput: true),
    };

    private static async Task StreamAsync(HttpListenerContext context, Reply reply, int number)
    {
        context.Response.ContentType = "text/event-stream";
        context.Response.SendChunked = true;
        var output = context.Response.OutputStream;
        async Task SendAsync(string name, JsonObject data)
        {
            var bytes = Encoding.UTF8.GetBytes($"event: {name}\ndata: {data.ToJsonString()}\n\n");
            await output.WriteAsync(bytes);
            await output.FlushAsync();
        }
        var start = Whole(reply, number);
        start["content"] = new JsonArray();
        start["stop_reason"] = null;
        start["usage"] = Usage(reply, withOutput: false);
        await SendAsync("message_start", new JsonObject { ["type"] = "message_start", ["message"] = start });
        await SendAsync("content_block_start", new JsonObject { ["type"] = "content_block_start", ["index"] = 0, ["content_block"] = Block(reply, number, whole: false) });
        var delta = reply.Tool is null
            ? new JsonObject { ["type"] = "text_delta", ["text"] = reply.Text }
            : new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = reply.Input };
        await SendAsync("content_block_delta", new JsonObject { ["type"] = "content_block_delta", ["index"] = 0, ["delta"] = delta });
        await SendAsync("content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = 0 });
        await SendAsync("message_delta", new JsonObject
        {
            ["type"] = "message_delta",
            ["delta"] = new JsonObject { ["stop_reason"] = reply.Tool is null ? "end_turn" : "tool_use", ["stop_sequence"] = null },
            ["usage"] = new JsonObject { ["output_tokens"] = reply.OutputTokens },
        });
        await SendAsync("message_stop", new JsonObject { ["type"] = "message_stop" });
        context.Response.Close();
    }

    private static async Task WriteJsonAsync(HttpListenerContext context, string json)
    {
        context.Response.ContentType = "application/json";
        var bytes = Encoding.UTF8.GetBytes(json);
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        // Close alone: on Linux, Stop then Close unregisters the port twice, and the second time binds it again for a moment,
        // which fails with "Address already in use" when another process has taken the port since.
        _listener.Close();
        try
        {
            await _serving;
        }
        catch (Exception)
        {
            // stopping
        }
    }
}
