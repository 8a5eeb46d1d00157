using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace SessionManagement.Cli.Commands;

/// <summary>
/// An array of the gateway's JSON objects as a table: a column per property of the first, in its order, headed in words
/// (<c>hookEventName</c>: "Hook event name").
/// </summary>
internal static class JsonTable
{
    public static Table Of(JsonElement array)
    {
        var rows = array.EnumerateArray().ToList();
        var table = new Table();
        if (rows.Count == 0)
            return table.AddColumn("(none)");
        var columns = rows[0].EnumerateObject().Select(p => p.Name).ToList();
        foreach (var column in columns)
            table.AddColumn(Markup.Escape(Header(column)));
        foreach (var row in rows)
            table.AddRow(columns.Select(c => Markup.Escape(row.TryGetProperty(c, out var value) ? Cell(value) : "")).ToArray());
        return table;
    }

    /// <summary>A property's name in words: its first letter capital, each later capital a new lower-case word (an acronym kept).</summary>
    internal static string Header(string name)
    {
        var words = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (i == 0)
                words.Append(char.ToUpperInvariant(name[i]));
            else if (char.IsAsciiLetterUpper(name[i]) && !char.IsAsciiLetterUpper(name[i - 1]))
                words.Append(' ').Append(i + 1 < name.Length && char.IsAsciiLetterUpper(name[i + 1]) ? name[i] : char.ToLowerInvariant(name[i]));
            else
                words.Append(name[i]);
        }
        return words.ToString();
    }

    private static string Cell(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String when value.TryGetDateTimeOffset(out var time) && value.GetString()!.Length >= 19 && value.GetString()![10] == 'T'
            => time.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Null => "",
        JsonValueKind.Number when value.TryGetInt64(out var number) => ClaudeProjects.Count(number),
        _ => value.GetRawText(),
    };
}
