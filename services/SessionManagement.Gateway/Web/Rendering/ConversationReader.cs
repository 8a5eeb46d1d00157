using System.Text;
using System.Text.Json;
using SessionManagement.Contracts.Chat;
using SessionManagement.Hosting.Pricing;

namespace SessionManagement.Gateway.Web.Rendering;

/// <summary>
/// Reads a page of messages (with their raw transcript lines) into what the web view shows: prose, thinking, tool calls with their
/// input and the output that answered them, images. A tool's output is folded into its call when both are on the page; a message
/// that only carried such outputs is then not shown again on its own. Each API response's tokens and cost show once, on its first
/// line: Claude Code writes one response as several lines that repeat its usage, and ccusage and the status module count it once.
/// </summary>
internal static class ConversationReader
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static readonly string[] ImageTypes = ["image/png", "image/jpeg", "image/gif", "image/webp"];

    /// <summary>The most of a tool's input or output a page holds: a 200 KB output is read by opening it whole, not sent with every page.</summary>
    public const int Shown = 3_000;

    /// <param name="previous">The message just before the page, if any: a response whose first line is there was counted there.</param>
    public static IReadOnlyList<ConversationEntry> Read(IReadOnlyList<ChatMessageView> messages, long firstIndex, PriceTable prices, ChatMessageView? previous = null)
    {
        var entries = new List<ConversationEntry>(messages.Count);
        var responses = new HashSet<string>(StringComparer.Ordinal);
        if (previous is { Usage: not null } && Parse(previous, firstIndex - 1, whole: false).Response is { } before)
            responses.Add(before);
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            var (blocks, response) = Parse(message, firstIndex + i, whole: false);
            entries.Add(new ConversationEntry(message, firstIndex + i, blocks)
            {
                Turn = message.Usage is { } tokens && (response is null || responses.Add(response))
                    ? new TurnUsage(tokens, prices.Find(message.Model)?.Cost(tokens))
                    : null,
            });
        }

        var outputs = new Dictionary<string, ToolOutput>(StringComparer.Ordinal);
        foreach (var block in entries.SelectMany(e => e.Blocks).OfType<ToolResultBlock>())
        {
            if (block.ToolUseId is not null)
                outputs.TryAdd(block.ToolUseId, block.Output);
        }
        var called = new HashSet<string>(StringComparer.Ordinal);
        var shown = new List<ConversationEntry>(entries.Count);
        foreach (var entry in entries)
        {
            var blocks = new List<ConversationBlock>(entry.Blocks.Count);
            foreach (var block in entry.Blocks)
            {
                switch (block)
                {
                    case ToolBlock { Id: { } id } tool when outputs.TryGetValue(id, out var output):
                        called.Add(id);
                        blocks.Add(tool with { Output = output });
                        break;
                    case ToolResultBlock { ToolUseId: { } id } when called.Contains(id):
                        break; // shown inside its call above
                    default:
                        blocks.Add(block);
                        break;
                }
            }
            // A record with nothing to read (a system note without text) is left out, unless it is a line that could not be read.
            if (blocks.Count > 0 || (entry.Blocks.Count == 0 && entry.Message.Problem is not null))
                shown.Add(entry with { Blocks = blocks });
        }
        return shown;
    }

    /// <summary>A message's blocks; <paramref name="whole"/> keeps every tool's input and output uncut (the <c>/tool</c> route).</summary>
    public static IReadOnlyList<ConversationBlock> Blocks(ChatMessageView message, long index, bool whole) => Parse(message, index, whole).Blocks;

    /// <summary>
    /// A message's blocks, and ccusage's key of the API response its line is part of (<c>message.id:requestId</c>; null when the line
    /// lacks either, and it counts on its own), from one read of its raw line.
    /// </summary>
    private static (IReadOnlyList<ConversationBlock> Blocks, string? Response) Parse(ChatMessageView message, long index, bool whole)
    {
        if (message.Raw is { Length: > 0 } raw)
        {
            try
            {
                using var line = JsonDocument.Parse(raw);
                var root = line.RootElement;
                if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("message", out var inner) && inner.ValueKind == JsonValueKind.Object)
                {
                    var response = String(root, "requestId") is { } request && String(inner, "id") is { } id ? id + ":" + request : null;
                    // A record Claude Code wraps in its tags (a slash command, what a local command printed) is shown as chat reads it:
                    // the command as typed, the output without its tags.
                    var wrapped = inner.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String
                        && content.GetString() is { } tagged && tagged.StartsWith('<') && message.Text.Length > 0 && message.Text != tagged;
                    return (content.ValueKind == JsonValueKind.Undefined || wrapped ? Text(message) : FromContent(content, index, whole), response);
                }
            }
            catch (JsonException)
            {
                // Shown from its text below.
            }
        }
        return (Text(message), null);
    }

    private static IReadOnlyList<ConversationBlock> Text(ChatMessageView message) =>
        string.IsNullOrWhiteSpace(message.Text) ? [] : [new TextBlock(message.Text)];

    private static List<ConversationBlock> FromContent(JsonElement content, long index, bool whole)
    {
        var blocks = new List<ConversationBlock>();
        if (content.ValueKind == JsonValueKind.String)
        {
            if (content.GetString() is { Length: > 0 } text)
                blocks.Add(new TextBlock(text));
            return blocks;
        }
        if (content.ValueKind != JsonValueKind.Array)
            return blocks;
        foreach (var block in content.EnumerateArray())
        {
            switch (String(block, "type"))
            {
                case "text" when String(block, "text") is { Length: > 0 } text:
                    blocks.Add(new TextBlock(text));
                    break;
                case "thinking" when String(block, "thinking") is { Length: > 0 } thinking:
                    blocks.Add(new ThinkingBlock(thinking));
                    break;
                case "tool_use" or "server_tool_use":
                    var input = block.TryGetProperty("input", out var given) ? given : default;
                    var (shown, omitted) = Cut(input.ValueKind == JsonValueKind.Undefined ? "" : JsonSerializer.Serialize(input, Indented), whole);
                    blocks.Add(new ToolBlock(String(block, "id"), String(block, "name") ?? "tool", shown, Gist(input), null, index, omitted));
                    break;
                case "tool_result":
                    blocks.Add(new ToolResultBlock(String(block, "tool_use_id"), Output(block, index, whole)));
                    break;
                case "image" when DataUrl(block) is { } image:
                    blocks.Add(new ImageBlock(image));
                    break;
            }
        }
        return blocks;
    }

    /// <summary>What a call was made on: its input's first text (a command, a path, a pattern).</summary>
    private static string Gist(JsonElement input)
    {
        if (input.ValueKind != JsonValueKind.Object)
            return "";
        foreach (var property in input.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.String && property.Value.GetString() is { Length: > 0 } text)
                return text;
        }
        return "";
    }

    private static (string Shown, int Omitted) Cut(string text, bool whole) =>
        whole || text.Length <= Shown ? (text, 0) : (text[..Shown], text.Length - Shown);

    private static ToolOutput Output(JsonElement result, long index, bool whole)
    {
        var text = new StringBuilder();
        var images = new List<string>();
        if (result.TryGetProperty("content", out var content))
        {
            if (content.ValueKind == JsonValueKind.String)
                text.Append(content.GetString());
            else if (content.ValueKind == JsonValueKind.Array)
            {
                foreach (var part in content.EnumerateArray())
                {
                    if (String(part, "type") == "text")
                        text.Append(text.Length > 0 ? "\n" : "").Append(String(part, "text"));
                    else if (DataUrl(part) is { } image)
                        images.Add(image);
                }
            }
        }
        var (shown, omitted) = Cut(text.ToString(), whole);
        return new ToolOutput(shown, images, result.TryGetProperty("is_error", out var error) && error.ValueKind == JsonValueKind.True,
            String(result, "tool_use_id"), index, omitted);
    }

    /// <summary>A base64 image of a type a browser shows without running anything (never SVG).</summary>
    private static string? DataUrl(JsonElement block)
    {
        if (String(block, "type") != "image" || !block.TryGetProperty("source", out var source) || String(source, "type") != "base64")
            return null;
        var type = String(source, "media_type");
        var data = String(source, "data");
        return type is not null && ImageTypes.Contains(type, StringComparer.Ordinal) && data is { Length: > 0 } && IsBase64(data)
            ? $"data:{type};base64,{data}" : null;
    }

    private static bool IsBase64(string data) => data.AsSpan().IndexOfAnyExcept(Base64Characters) < 0;

    private static readonly System.Buffers.SearchValues<char> Base64Characters =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=");

    private static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
