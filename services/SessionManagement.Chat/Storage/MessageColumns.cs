using System.Text.Json;
using SessionManagement.Contracts.Chat;
using SessionManagement.Hosting.Security;

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

    /// <summary>How many of a message's tool calls are uses (a summary counts them without reading the calls).</summary>
    public static int ToolUses(IReadOnlyList<ToolCallView> tools) => tools.Count(t => t.Kind == "use");

    /// <summary>Search terms as an FTS5 query of the index of words in clear: each one quoted (so no word is read as syntax), all required.</summary>
    public static string FtsQuery(IReadOnlyList<string> terms) => string.Join(" AND ", terms.Select(Quoted));

    /// <summary>
    /// Search terms as an FTS5 query of the index of sealed messages, which holds their words' tokens (<see cref="AtRest.SearchTokens"/>):
    /// each word of a term as its token under any key held (a rotation under way), all required, a term's words not necessarily
    /// adjacent. Null without a key, or without a word to look for.
    /// </summary>
    public static string? SealedFtsQuery(IReadOnlyList<string> terms, AtRest atRest)
    {
        if (!atRest.HasKeys)
            return null;
        var words = terms.SelectMany(AtRest.Words).Distinct(StringComparer.Ordinal).ToList();
        return words.Count == 0
            ? null
            : string.Join(" AND ", words.Select(word => "(" + string.Join(" OR ", atRest.QueryTokens(word).Select(Quoted)) + ")"));
    }

    private static string Quoted(string term) => "\"" + term.Replace("\"", "\"\"") + "\"";

    /// <summary>The names chat's content is sealed under (<see cref="AtRest"/>): each column's own, so a value moved to another does not open.</summary>
    public static class Record
    {
        public const string Text = "chat_messages.text";
        public const string ToolText = "chat_messages.tool_text";
        public const string Tools = "chat_messages.tools";
        public const string Raw = "chat_messages.raw";
        public const string Block = "chat_raw_blocks.bytes";
        public const string ToolResult = "chat_tool_results.bytes";
    }
}
