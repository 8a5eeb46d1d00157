using System.Text.Json;

namespace SessionManagement.Testing;

/// <summary>
/// Transcripts whose token usage a test knows without any parser: written as Claude Code 2.1 writes API responses, one line
/// per content block (thinking, text, tool use), each line repeating the response's <c>message.id</c>, <c>requestId</c> and
/// <c>usage</c>, with tool results between responses. <see cref="Responses"/> is what was written, response by response.
/// </summary>
public sealed class UsageTranscript
{
    private readonly List<string> _lines = [];
    private readonly string _sessionId;
    private readonly string _cwd;
    private string? _last;
    private int _second;

    public UsageTranscript(string sessionId, string cwd, DateTimeOffset start)
    {
        (_sessionId, _cwd, Start) = (sessionId, cwd, start);
    }

    public DateTimeOffset Start { get; }

    public string SessionId => _sessionId;

    /// <summary>Every response written, with its usage (input, output, cache creation, cache read).</summary>
    public List<(string Model, long Input, long Output, long CacheCreation, long CacheRead)> Responses { get; } = [];

    public IReadOnlyList<string> Lines => _lines;

    public string Text => string.Join("\n", _lines) + "\n";

    public UsageTranscript Prompt(string text)
    {
        Add(new { type = "user", message = new { role = "user", content = text } });
        return this;
    }

    /// <summary>One API response as <paramref name="blocks"/> lines; without <paramref name="requestId"/> as older Claude Code wrote it.</summary>
    public UsageTranscript Response(string model, int blocks, long input, long output, long cacheCreation, long cacheRead, bool requestId = true)
    {
        var id = "msg_" + Guid.NewGuid().ToString("N")[..20];
        var request = "req_" + Guid.NewGuid().ToString("N")[..20];
        var usage = new { input_tokens = input, output_tokens = output, cache_creation_input_tokens = cacheCreation, cache_read_input_tokens = cacheRead };
        for (var b = 0; b < blocks; b++)
        {
            object block = b switch
            {
                0 when blocks > 1 => new { type = "thinking", thinking = "Let me think about block " + b, signature = "sig" },
                _ when b == blocks - 1 && blocks > 2 => new { type = "tool_use", id = "toolu_" + Guid.NewGuid().ToString("N")[..20], name = "Bash", input = new { command = "ls" } },
                _ => new { type = "text", text = "Part " + b + " of the answer." },
            };
            var message = new { id, type = "message", role = "assistant", model, content = new[] { block }, stop_reason = (string?)null, usage };
            Add(requestId ? new { type = "assistant", requestId = request, message } : (object)new { type = "assistant", message });
            if (!requestId)
                Responses.Add((model, input, output, cacheCreation, cacheRead)); // no key: every line counts, as ccusage counts it
        }
        if (requestId)
            Responses.Add((model, input, output, cacheCreation, cacheRead));
        return this;
    }

    public UsageTranscript ToolResult(string output)
    {
        Add(new { type = "user", message = new { role = "user", content = new[] { new { type = "tool_result", tool_use_id = "toolu_x", content = output } } } });
        return this;
    }

    /// <summary>Lines of another transcript copied in, as a resumed session's file repeats its parent's: their usage counted already.</summary>
    public UsageTranscript Repeat(UsageTranscript other, int lines)
    {
        _lines.AddRange(other._lines.Take(lines));
        return this;
    }

    private void Add(object record)
    {
        var uuid = Guid.NewGuid().ToString();
        var element = JsonSerializer.SerializeToElement(record);
        var line = new Dictionary<string, object?>
        {
            ["parentUuid"] = _last, ["isSidechain"] = false, ["userType"] = "external", ["cwd"] = _cwd, ["sessionId"] = _sessionId,
            ["version"] = "2.1.332", ["gitBranch"] = "main",
        };
        foreach (var property in element.EnumerateObject())
            line[property.Name] = property.Value;
        line["uuid"] = uuid;
        line["timestamp"] = Start.AddSeconds(_second++).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");
        _lines.Add(JsonSerializer.Serialize(line));
        _last = uuid;
    }
}
