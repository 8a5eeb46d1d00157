using System.Text.Json;

namespace SessionManagement.Testing;

/// <summary>What a transcript Claude Code wrote says of its API responses, read here as ccusage reads it.</summary>
public static class ClaudeResponses
{
    /// <summary>
    /// Each API response once: its first line, by <c>message.id</c> + <c>requestId</c> (Claude Code writes one response as several lines
    /// that repeat its usage).
    /// </summary>
    public static List<JsonElement> FirstLines(IEnumerable<JsonElement> records) =>
        records.Where(r => r.GetProperty("type").GetString() == "assistant" && r.TryGetProperty("requestId", out _))
            .GroupBy(r => r.GetProperty("message").GetProperty("id").GetString() + ":" + r.GetProperty("requestId").GetString())
            .Select(g => g.First()).ToList();
}
