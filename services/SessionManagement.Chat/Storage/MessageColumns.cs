using System.Text.Json;
using SessionManagement.Contracts.Chat;

namespace SessionManagement.Chat.Storage;

/// <summary>Tool calls and token usage as both stores keep them: one JSON text each.</summary>
internal static class MessageColumns
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string? Tools(IReadOnlyList<ToolCallView> tools) => tools.Count == 0 ? null : JsonSerializer.Serialize(tools, Json);

    public static IReadOnlyList<ToolCallView> Tools(string? json) =>
        json is null ? [] : JsonSerializer.Deserialize<List<ToolCallView>>(json, Json) ?? [];

    /// <summary>What a message's tool calls add to what search finds it by: each one's name and summary (its input, or its output), a line each.</summary>
    public static string? ToolText(IReadOnlyList<ToolCallView> tools) =>
        tools.Count == 0 ? null : string.Join('\n', tools.Select(t => (t.Name is null ? "" : t.Name + ": ") + t.Summary));

    public static string? Usage(TokenUsageView? usage) => usage is null ? null : JsonSerializer.Serialize(usage, Json);

    public static TokenUsageView? Usage(string? json) => json is null ? null : JsonSerializer.Deserialize<TokenUsageView>(json, Json);

    /// <summary>Search terms as an FTS5 query: each one quoted (so no word is read as syntax), all required.</summary>
    public static string FtsQuery(IReadOnlyList<string> terms) =>
        string.Join(" AND ", terms.Select(term => "\"" + term.Replace("\"", "\"\"") + "\""));
}
