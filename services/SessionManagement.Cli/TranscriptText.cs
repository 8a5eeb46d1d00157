using System.Text.Encodings.Web;
using System.Text.Json;

namespace SessionManagement.Cli;

/// <summary>Reading and writing transcript lines as text, the way Claude Code writes them (compact JSON, <c>JSON.stringify</c>'s escaping).</summary>
internal static class TranscriptText
{
    private static readonly JsonSerializerOptions AsClaudeCodeWrites = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary><paramref name="value"/> as a JSON string, quotes included, escaped as Claude Code escapes it.</summary>
    public static string JsonString(string value) => JsonSerializer.Serialize(value, AsClaudeCodeWrites);

    /// <summary>A line's top-level string field <paramref name="name"/>; null when the line is not a JSON object or has none.</summary>
    public static string? StringField(string line, string name)
    {
        if (!line.Contains($"\"{name}\"", StringComparison.Ordinal))
            return null; // most lines are passed over without parsing
        try
        {
            using var record = JsonDocument.Parse(line);
            return record.RootElement.ValueKind == JsonValueKind.Object && record.RootElement.TryGetProperty(name, out var value)
                && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Where a session ran, as the saver keeps it: its latest working directory, else its project.</summary>
    public static string? WorkingDirectory(JsonElement? session) =>
        session is { } s ? Commands.SessionsListCommand.Text(s, "cwd") ?? Commands.SessionsListCommand.Text(s, "projectDir") : null;
}
