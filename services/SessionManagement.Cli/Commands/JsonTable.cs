using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace SessionManagement.Cli.Commands;

/// <summary>An array of the gateway's JSON objects as a table: a column per property of the first, in its order.</summary>
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
            table.AddColumn(Markup.Escape(column));
        foreach (var row in rows)
            table.AddRow(columns.Select(c => Markup.Escape(row.TryGetProperty(c, out var value) ? Cell(value) : "")).ToArray());
        return table;
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
