using System.Text.Json;

namespace SessionManagement.Testing;

/// <summary>Transcript lines shaped like Claude Code 2.1's, a second apart.</summary>
public static class TranscriptLines
{
    public static readonly DateTimeOffset Start = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    public static string Time(int second) => Start.AddSeconds(second).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");

    public static string User(string sessionId, string uuid, string? parent, int second, string prompt, string cwd = "/work/shop") =>
        Line(new { parentUuid = parent, isSidechain = false, type = "user", message = new { role = "user", content = prompt }, uuid,
            timestamp = Time(second), cwd, sessionId, version = "2.1.330", gitBranch = "main" });

    public static string AssistantText(string sessionId, string uuid, string parent, int second, string text, string cwd = "/work/shop") =>
        Line(new
        {
            parentUuid = parent, isSidechain = false, type = "assistant", uuid, timestamp = Time(second),
            message = new
            {
                id = "msg_1", model = "claude-opus-4-20250514", role = "assistant", type = "message",
                content = new object[] { new { type = "text", text } },
                usage = new { input_tokens = 12, output_tokens = 34, cache_creation_input_tokens = 5, cache_read_input_tokens = 6 },
            },
            cwd, sessionId,
        });

    public static string AssistantToolUse(string sessionId, string uuid, string parent, int second, string toolUseId, string command) =>
        Line(new
        {
            parentUuid = parent, type = "assistant", uuid, timestamp = Time(second),
            message = new { model = "claude-opus-4-20250514", role = "assistant", content = new object[] { new { type = "tool_use", id = toolUseId, name = "Bash", input = new { command } } } },
            cwd = "/work/shop", sessionId,
        });

    public static string ToolResult(string sessionId, string uuid, string parent, int second, string toolUseId, string output, bool error = false) =>
        Line(new
        {
            parentUuid = parent, type = "user", uuid, timestamp = Time(second),
            message = new { role = "user", content = new object[] { new { type = "tool_result", tool_use_id = toolUseId, content = output, is_error = error } } },
            cwd = "/work/shop", sessionId,
        });

    public static string Bookkeeping(string sessionId) => Line(new { type = "last-prompt", lastPrompt = "x", sessionId });

    private static string Line(object record) => JsonSerializer.Serialize(record);
}
