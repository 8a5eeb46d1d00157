using System.Text.Json;

namespace SessionManagement.Gateway.Capture;

/// <summary>The JSON a hook answers Claude Code with: nothing to say, or SessionStart's additional context.</summary>
internal static class HookOutput
{
    public const string Empty = "{}";

    public static string ForSessionStart(string additionalContext)
    {
        if (additionalContext.Length == 0)
            return Empty;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("hookSpecificOutput");
            json.WriteString("hookEventName", "SessionStart");
            json.WriteString("additionalContext", additionalContext);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
