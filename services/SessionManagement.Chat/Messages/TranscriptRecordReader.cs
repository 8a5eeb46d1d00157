using System.Buffers;
using System.Globalization;
using System.Text;
using SessionManagement.Contracts.Chat;

namespace SessionManagement.Chat.Messages;

/// <summary>
/// Reads raw transcript lines into messages and records. The transcript format is Claude Code's own and
/// changes between versions, so nothing here insists: a line that is not a JSON object, or has no
/// <c>type</c>, is kept raw as <see cref="MessageKind.Invalid"/> with the reason; unknown types are kept as
/// <see cref="MessageKind.Record"/>; missing fields leave their values empty.
/// </summary>
internal static class TranscriptRecordReader
{
    /// <summary>The gateway ships a line over its size limit as this marker; the file keeps the line.</summary>
    public const string OversizedLineType = "sm-oversized-line";

    /// <summary>
    /// The line Claude Code 2.1.332 adds when <c>/cd</c> moves a session to another folder (<c>relocatedCwd</c>, kept as the record's
    /// text): the session belongs to the last one's folder from then on, as Claude Code tells a transcript's project.
    /// </summary>
    public const string Relocated = "relocated";

    private static readonly HashSet<string> ConversationTypes = new(["user", "assistant", "system", "summary"], StringComparer.Ordinal);

    /// <param name="startOffset">The byte offset of the first line in its file; each line's offset follows from the lines' UTF-8 lengths.</param>
    /// <param name="capturedAt">The time given to lines that carry none and follow no line that does.</param>
    /// <param name="file">Which of the session's transcript files: empty for its own, else a subagent's.</param>
    public static IEnumerable<ChatMessage> Read(string sessionId, long startOffset, IReadOnlyList<string> lines, DateTimeOffset capturedAt, string file = "") =>
        Read(TranscriptBlock.Of(sessionId, startOffset, lines, file: file), capturedAt);

    /// <summary>The records of a block's lines, in order; each names its raw line in the block instead of copying it.</summary>
    /// <param name="capturedAt">The time given to lines that carry none and follow no line that does.</param>
    public static IEnumerable<ChatMessage> Read(TranscriptBlock block, DateTimeOffset capturedAt)
    {
        var lastTime = capturedAt;
        string? lastCwd = null;
        var bytes = block.Lines;
        for (var start = 0; start < bytes.Length;)
        {
            var length = bytes.Span[start..].IndexOf((byte)'\n');
            length = length < 0 ? bytes.Length - start : length;
            var line = new TranscriptLine(block, start, length);
            var message = ReadLine(block.SessionId, block.StartOffset + start, line, ref lastTime, ref lastCwd).InFile(block.File);
            start += length + 1;
            yield return message;
        }
    }

    private static ChatMessage ReadLine(string sessionId, long offset, TranscriptLine line, ref DateTimeOffset lastTime, ref string? lastCwd)
    {
        using var document = JsonLine.Read(line.Block.Line(line.Start, line.Length), out var notJson);
        if (document is null)
            return Invalid(sessionId, offset, line, lastTime, lastCwd, $"not JSON: {notJson}");

        var root = document.Root;
        if (root.Kind != JsonKind.Object)
            return Invalid(sessionId, offset, line, lastTime, lastCwd, $"not a JSON object but {root.Kind}");
        var type = String(root, "type");
        if (string.IsNullOrEmpty(type))
            return Invalid(sessionId, offset, line, lastTime, lastCwd, "no record type");

        var dated = false;
        if (Time(root) is { } time)
            (lastTime, dated) = (time, true);
        lastCwd = Same(root, "cwd", lastCwd) ?? lastCwd;
        var branch = String(root, "gitBranch") is { Length: > 0 } named ? named : null;
        var uuid = String(root, "uuid");
        var key = uuid is not null ? "u:" + uuid : LineKey(offset, line);
        var parent = String(root, "parentUuid");

        if (type == OversizedLineType)
            return new ChatMessage(sessionId, key, MessageKind.Record, type, null, null, null, null, lastTime, offset, lastCwd, "",
                null, [], null, null, MessageSources.Transcript,
                $"a line of {Long(root, "length")} bytes at offset {Long(root, "offset")}, over the gateway's line limit; the transcript file keeps it", null!, line);
        if (!ConversationTypes.Contains(type))
            return new ChatMessage(sessionId, key, MessageKind.Record, type, null, uuid, parent, null, lastTime, offset, lastCwd,
                type switch
                {
                    TranscriptTitle.Custom => MessageText.Bound(String(root, "customTitle") ?? ""),
                    TranscriptTitle.Ai => MessageText.Bound(String(root, "aiTitle") ?? ""),
                    Relocated => MessageText.Bound(String(root, "relocatedCwd") ?? ""),
                    _ => "",
                },
                null, [], null, null, MessageSources.Transcript, null, null!, line) { Undated = !dated, GitBranch = branch };

        using var content = new ContentReader();
        string? role, model = null, problem = null;
        TokenUsageView? usage = null;
        string? response = null;
        switch (type)
        {
            case "summary":
                role = "summary";
                if (root.TryGetProperty("summary", out var summary))
                    content.AddText(summary);
                parent ??= String(root, "leafUuid"); // what it sums up: the conversation ending there
                break;
            case "system":
                role = "system";
                if (root.TryGetProperty("content", out var systemContent))
                    content.Add(systemContent);
                break;
            default:
                role = type;
                if (root.TryGetProperty("message", out var message) && message.Kind == JsonKind.Object)
                {
                    if (message.TryGetProperty("content", out var blocks))
                        content.Add(blocks);
                    else
                        problem = "message has no content";
                    model = String(message, "model");
                    usage = Usage(message);
                    if (usage is not null && String(message, "id") is { } responseId && String(root, "requestId") is { } requestId)
                        response = responseId + ":" + requestId;
                }
                else
                {
                    problem = "no message";
                }
                if (role == "user" && content.OnlyToolResults)
                    role = "tool";
                // What a compaction left for the model to go on from ("This session is being continued…"): a summary, not a prompt.
                else if (role == "user" && root.TryGetProperty("isCompactSummary", out var compacted) && compacted.Kind == JsonKind.True)
                    role = "summary";
                break;
        }
        var text = content.Text;
        if (role == "user" && MessageText.CommandAsTyped(text) is { } command)
            text = command;
        // What a local command printed (/compact's "Compacted", /cost's figures): Claude Code's words, not the user's.
        else if (role == "user" && MessageText.LocalCommandOutput(text) is { } output)
            (role, text) = ("system", output);
        // Text Claude Code adds in the user's name and does not show as theirs (a slash command's expansion, a caveat before a local
        // command's output): kept, with its text, as a record beside the conversation, as Claude Code's own view leaves it out.
        if (role == "user" && root.TryGetProperty("isMeta", out var meta) && meta.Kind == JsonKind.True)
            return new ChatMessage(sessionId, key, MessageKind.Record, type, null, uuid, parent, null, lastTime, offset, lastCwd,
                MessageText.Bound(text), null, content.Tools, null, null, MessageSources.Transcript, problem, null!, line)
            { Undated = !dated, GitBranch = branch };
        return new ChatMessage(sessionId, key, MessageKind.Message, type, role, uuid, parent, null, lastTime, offset, lastCwd,
            MessageText.Bound(text), MessageText.MatchHash(role, text), content.Tools, usage, model, MessageSources.Transcript, problem, null!, line)
        { Undated = !dated, ResponseKey = response, GitBranch = branch, RequestSessionId = String(root, "requestSessionId") };
    }

    private static ChatMessage Invalid(string sessionId, long offset, TranscriptLine line, DateTimeOffset time, string? cwd, string problem) =>
        new(sessionId, LineKey(offset, line), MessageKind.Invalid, "invalid", null, null, null, null, time, offset, cwd, "", null, [], null,
            null, MessageSources.Transcript, problem, null!, line);

    /// <summary>Records without a uuid are identified by where they lie and what they say: the same bytes shipped again are the same record.</summary>
    private static string LineKey(long offset, TranscriptLine line) => $"l:{offset}:{MessageText.LineHash(line.Block.Line(line.Start, line.Length).Span)}";

    private static TokenUsageView? Usage(JsonLine.JsonValue message)
    {
        if (!message.TryGetProperty("usage", out var usage) || usage.Kind != JsonKind.Object)
            return null;
        return new TokenUsageView(Long(usage, "input_tokens"), Long(usage, "output_tokens"),
            Long(usage, "cache_creation_input_tokens"), Long(usage, "cache_read_input_tokens"));
    }

    /// <summary>The line's <c>timestamp</c>: read where it lies when it is ISO 8601, as Claude Code writes it, else parsed as text.</summary>
    private static DateTimeOffset? Time(JsonLine.JsonValue root)
    {
        if (!root.TryGetProperty("timestamp", out var value) || value.Kind != JsonKind.String)
            return null;
        if (value.TryGetDateTimeOffset(out var time))
            return time;
        return DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out time) ? time : null;
    }

    /// <summary>A string value, as <paramref name="before"/> when it equals that: each line repeats its <c>cwd</c>, which is not copied each time.</summary>
    private static string? Same(JsonLine.JsonValue element, string name, string? before) =>
        element.TryGetProperty(name, out var value) && value.Kind == JsonKind.String
            ? before is not null && value.ValueEquals(before) ? before : value.GetString()
            : null;

    private static string? String(JsonLine.JsonValue element, string name) => Same(element, name, null);

    private static long Long(JsonLine.JsonValue element, string name) =>
        element.TryGetProperty(name, out var value) && value.TryGetInt64(out var number) ? number : 0;

    /// <summary>
    /// Text and tool calls from Anthropic-shaped content: a string, or an array of typed blocks. The text is unescaped into one
    /// pooled buffer and made a string once: each part read as a string of its own, then copied into a builder and out of it,
    /// allocated the text three times over, most of what reading a transcript allocated.
    /// </summary>
    private sealed class ContentReader : IDisposable
    {
        private char[] _text = ArrayPool<char>.Shared.Rent(1024);
        private int _length;
        private readonly List<ToolCallView> _tools = [];
        private int _blocks, _toolResults;

        public string Text => new(_text, 0, _length);

        public IReadOnlyList<ToolCallView> Tools => _tools;

        public bool OnlyToolResults => _blocks > 0 && _blocks == _toolResults;

        /// <summary>Adds a JSON string's text on a line of its own, as far as <see cref="MessageText.MaxCharacters"/> allows.</summary>
        public void AddText(JsonLine.JsonValue text)
        {
            if (text.Kind != JsonKind.String || _length >= MessageText.MaxCharacters)
                return;
            var raw = text.Inner; // still escaped; never fewer bytes than it has characters
            if (raw.Length == 0)
                return;
            var separator = _length > 0 ? 1 : 0;
            Reserve(_length + separator + raw.Length);
            var into = _text.AsSpan(_length + separator);
            var added = text.Escaped ? JsonLine.Unescape(raw, into) : Encoding.UTF8.GetChars(raw, into);
            if (added == 0)
                return;
            if (separator == 1)
                _text[_length] = '\n';
            _length = Math.Min(_length + separator + added, MessageText.MaxCharacters);
        }

        private void Reserve(int length)
        {
            if (_text.Length >= length)
                return;
            var larger = ArrayPool<char>.Shared.Rent(Math.Max(length, _text.Length * 2));
            _text.AsSpan(0, _length).CopyTo(larger);
            ArrayPool<char>.Shared.Return(_text);
            _text = larger;
        }

        public void Dispose() => ArrayPool<char>.Shared.Return(_text);

        public void Add(JsonLine.JsonValue content)
        {
            if (content.Kind == JsonKind.String)
            {
                AddText(content);
                return;
            }
            if (content.Kind != JsonKind.Array)
                return;
            foreach (var block in content.EnumerateArray())
            {
                if (block.Kind == JsonKind.String)
                {
                    AddText(block);
                    continue;
                }
                if (block.Kind != JsonKind.Object)
                    continue;
                _blocks++;
                switch (String(block, "type"))
                {
                    case "text":
                        if (block.TryGetProperty("text", out var text))
                            AddText(text);
                        break;
                    case "tool_use":
                        _tools.Add(new ToolCallView("use", String(block, "id"), String(block, "name"),
                            block.TryGetProperty("input", out var input) ? Summary(input) : "", false));
                        break;
                    case "tool_result":
                        _toolResults++;
                        var isError = block.TryGetProperty("is_error", out var error) && error.Kind == JsonKind.True;
                        _tools.Add(new ToolCallView("result", String(block, "tool_use_id"), null,
                            block.TryGetProperty("content", out var output) ? Summary(output) : "", isError));
                        break;
                }
            }
        }

        /// <summary>
        /// The first <see cref="MessageText.MaxSummaryCharacters"/> characters of a tool's input or output. Outputs run to hundreds
        /// of kilobytes; only a prefix of their JSON is unescaped, so a summary costs the same whatever the output's size.
        /// </summary>
        private static string Summary(JsonLine.JsonValue value)
        {
            const int max = MessageText.MaxSummaryCharacters;
            switch (value.Kind)
            {
                case JsonKind.String:
                    return BoundedString(value, max);
                case JsonKind.Array:
                    var text = new StringBuilder();
                    foreach (var item in value.EnumerateArray())
                    {
                        if (text.Length >= max)
                            break;
                        if (text.Length > 0)
                            text.Append('\n');
                        text.Append(item.Kind == JsonKind.Object && item.TryGetProperty("text", out var t) && t.Kind == JsonKind.String
                            ? BoundedString(t, max) : RawPrefix(item, max));
                    }
                    return MessageText.Bound(text.ToString(), max);
                default:
                    return RawPrefix(value, max);
            }
        }

        /// <summary>A string value's first <paramref name="max"/> characters, unescaping no more of it than that takes.</summary>
        private static string BoundedString(JsonLine.JsonValue value, int max)
        {
            var inner = value.Inner;
            var enough = max * 6; // no character takes more than six bytes escaped (\uXXXX)
            if (inner.Length <= enough)
                return MessageText.Bound(value.GetString()!, max);
            var prefix = inner[..JsonLine.SafeCut(inner, enough)];
            var buffer = ArrayPool<char>.Shared.Rent(prefix.Length);
            try
            {
                var length = value.Escaped ? JsonLine.Unescape(prefix, buffer) : Encoding.UTF8.GetChars(prefix, buffer);
                return new string(buffer, 0, Math.Min(length, max));
            }
            finally
            {
                ArrayPool<char>.Shared.Return(buffer);
            }
        }

        /// <summary>The start of a value's JSON text, decoded from no more bytes than the summary can hold.</summary>
        private static string RawPrefix(JsonLine.JsonValue value, int max)
        {
            var raw = value.Raw;
            if (raw.Length <= max * 4)
                return MessageText.Bound(Encoding.UTF8.GetString(raw), max);
            var cut = max * 4;
            while (cut > 0 && (raw[cut] & 0xC0) == 0x80)
                cut--; // not inside a multi-byte character
            return MessageText.Bound(Encoding.UTF8.GetString(raw[..cut]), max);
        }
    }
}
