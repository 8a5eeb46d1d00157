using System.Text.Json;
using SessionManagement.Contracts.Gateway;

namespace SessionManagement.Chat.Messages;

/// <summary>
/// The messages a hook carries: UserPromptSubmit's <c>prompt</c> and Stop's (or SubagentStop's)
/// <c>last_assistant_message</c>. Every other hook carries none. A SubagentStop's is its subagent's reply, so it belongs to that
/// subagent's transcript (<c>subagents/agent-&lt;agent_id&gt;.jsonl</c>), not to the session's own conversation: the agents
/// Claude Code runs to compact a session (2.1.330: two SubagentStops, the summary their reply, no transcript of their own) would
/// otherwise put the summary into the conversation twice, as replies.
/// </summary>
internal static class HookMessageReader
{
    public static bool MayCarryMessage(string hookEventName) =>
        hookEventName is "UserPromptSubmit" or "Stop" or "SubagentStop";

    public static ChatMessage? Read(HookEventCaptured captured)
    {
        if (!MayCarryMessage(captured.HookEventName) || string.IsNullOrEmpty(captured.SessionId))
            return null;
        var (field, role) = captured.HookEventName == "UserPromptSubmit" ? ("prompt", "user") : ("last_assistant_message", "assistant");
        string? text = null, file = null;
        try
        {
            using var document = JsonDocument.Parse(captured.RawJson);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                text = root.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
                if (captured.HookEventName == "SubagentStop" && root.TryGetProperty("agent_id", out var agent) && agent.ValueKind == JsonValueKind.String)
                    file = $"{TranscriptFiles.SubagentsFolder}/agent-{agent.GetString()}.jsonl" is var named && TranscriptFiles.IsSubagentFile(named) ? named : null;
            }
        }
        catch (JsonException)
        {
            return null; // the gateway only publishes JSON objects; the saver keeps the raw event either way
        }
        if (string.IsNullOrWhiteSpace(text))
            return null;
        var bounded = MessageText.Bound(text);
        return new ChatMessage(captured.SessionId, "e:" + captured.EventId.ToString("N"), MessageKind.Message, captured.HookEventName, role,
            null, null, captured.EventId, captured.ReceivedAt, captured.CaptureSequence, captured.Cwd, bounded,
            MessageText.MatchHash(role, text), [], null, null, MessageSources.Hook, null, captured.RawJson) { File = file ?? "" };
    }
}
