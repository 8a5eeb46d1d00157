using System.Text.Json;
using SessionManagement.Contracts.Gateway;

namespace SessionManagement.Saver.Sessions;

/// <summary>Turns a captured hook into a <see cref="StoredEvent"/>, reading the fields state needs defensively: the hook format changes between Claude Code versions.</summary>
internal static class StoredEventReader
{
    public static StoredEvent From(HookEventCaptured captured)
    {
        string? model = null, source = null, reason = null;
        try
        {
            using var document = JsonDocument.Parse(captured.RawJson);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                model = root.TryGetProperty("model", out var m)
                    ? m.ValueKind == JsonValueKind.String ? m.GetString()
                    : m.ValueKind == JsonValueKind.Object && m.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null
                    : null;
                source = Text(root, "source");
                reason = Text(root, "reason");
            }
        }
        catch (JsonException)
        {
            // The gateway only publishes well-formed JSON; anything else still gets stored, just without these fields.
        }
        return new StoredEvent(captured.EventId, captured.SessionId, captured.HookEventName, captured.ReceivedAt, captured.CaptureSequence,
            captured.Host, captured.User, captured.Cwd, model, source, reason, captured.RawJson, captured.GitBranch);
    }

    /// <summary>The <c>prompt</c> of a UserPromptSubmit's raw JSON, if it reads as one.</summary>
    public static string? Prompt(string rawJson)
    {
        try
        {
            using var document = JsonDocument.Parse(rawJson);
            return document.RootElement.ValueKind == JsonValueKind.Object ? Text(document.RootElement, "prompt") : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
