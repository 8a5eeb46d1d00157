using System.Text.Json;

namespace SessionManagement.Gateway.Capture;

/// <summary>The few top-level fields of a hook's JSON that the gateway routes on; everything else stays in the raw JSON.</summary>
public sealed record HookInput(
    string SessionId,
    string HookEventName,
    string? Cwd,
    string? TranscriptPath,
    string? Source,
    string? Reason)
{
    public const int MaxSessionIdLength = 128;

    /// <summary>
    /// Reads the routing fields in one pass over the whole document (which also proves it is well-formed
    /// JSON). Fails, with a reason for people, on anything that is not a JSON object with a valid
    /// <c>session_id</c> and a <c>hook_event_name</c>. Unknown event names are fine.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> json, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out HookInput? input, out string problem)
    {
        input = null;
        problem = "";
        if (json.IsEmpty)
        {
            problem = "empty input: a hook sends one JSON object";
            return false;
        }
        if (!System.Text.Unicode.Utf8.IsValid(json))
        {
            problem = $"not UTF-8: invalid byte sequence at offset {InvalidUtf8Offset(json)}";
            return false;
        }
        string? sessionId = null, eventName = null, cwd = null, transcriptPath = null, source = null, reason = null;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                problem = "not a JSON object";
                return false;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.ValueSpan;
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    reader.Skip();
                    continue;
                }
                if (name.SequenceEqual("session_id"u8)) sessionId = reader.GetString();
                else if (name.SequenceEqual("hook_event_name"u8)) eventName = reader.GetString();
                else if (name.SequenceEqual("cwd"u8)) cwd = reader.GetString();
                else if (name.SequenceEqual("transcript_path"u8)) transcriptPath = reader.GetString();
                else if (name.SequenceEqual("source"u8)) source = reader.GetString();
                else if (name.SequenceEqual("reason"u8)) reason = reader.GetString();
            }
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                problem = "trailing data after the JSON object";
                return false;
            }
        }
        catch (JsonException error)
        {
            problem = $"malformed JSON: {error.Message}";
            return false;
        }

        if (string.IsNullOrWhiteSpace(eventName))
        {
            problem = "no hook_event_name";
            return false;
        }
        if (!IsValidSessionId(sessionId))
        {
            problem = sessionId is null ? "no session_id" : $"invalid session_id '{Truncate(sessionId)}'";
            return false;
        }
        input = new HookInput(sessionId!, eventName, cwd, transcriptPath, source, reason);
        return true;
    }

    /// <summary>1 to 128 characters of letters, digits, <c>-</c>, <c>_</c>, <c>.</c> and <c>:</c>; never a path.</summary>
    public static bool IsValidSessionId(string? sessionId)
    {
        if (string.IsNullOrEmpty(sessionId) || sessionId.Length > MaxSessionIdLength || sessionId is "." or "..")
            return false;
        foreach (var c in sessionId)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':'))
                return false;
        }
        return true;
    }

    private static int InvalidUtf8Offset(ReadOnlySpan<byte> bytes)
    {
        System.Text.Unicode.Utf8.ToUtf16(bytes, new char[bytes.Length], out var read, out _, replaceInvalidSequences: false);
        return read;
    }

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
