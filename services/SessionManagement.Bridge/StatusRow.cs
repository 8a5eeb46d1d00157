using System.Globalization;
using System.Text.Json;

namespace SessionManagement.Bridge;

/// <summary>
/// Renders Claude Code's status-line input as one row: model, project, duration, cost, context use and
/// capture state. Missing fields are left out rather than guessed.
/// </summary>
public static class StatusRow
{
    private const string Separator = " │ ";
    private const string Reset = "\u001b[0m";
    private const string Cyan = "\u001b[36m";
    private const string Green = "\u001b[32m";
    private const string Yellow = "\u001b[33m";
    private const string Red = "\u001b[31m";
    private const string Dim = "\u001b[2m";

    public static string Render(ReadOnlySpan<byte> statusInputJson, StatusExtras extras, bool colour, bool twoLines = false)
    {
        try
        {
            using var document = JsonDocument.Parse(statusInputJson.ToArray());
            return Render(document.RootElement, extras, colour, twoLines);
        }
        catch (JsonException)
        {
            return Render(default(JsonElement), extras, colour, twoLines);
        }
    }

    /// <summary>One row by default; with <paramref name="twoLines"/>, the session on the first and what is kept safe on the second.</summary>
    public static string Render(JsonElement input, StatusExtras extras, bool colour, bool twoLines = false)
    {
        var parts = new List<string>();
        if ((Text(input, "model", "display_name") ?? Text(input, "model", "id")) is { } model)
            parts.Add(Paint(model, Cyan, colour));
        if (Project(input) is { } project)
            parts.Add(project);
        if (Number(input, "cost", "total_duration_ms") is { } durationMs)
            parts.Add(Duration(TimeSpan.FromMilliseconds(durationMs)));
        if (Number(input, "cost", "total_cost_usd") is { } cost)
            parts.Add("$" + cost.ToString("0.00", CultureInfo.InvariantCulture));
        if (ContextPercent(input) is { } percent)
            parts.Add(Paint($"ctx {percent:0}%", percent >= 85 ? Red : percent >= 60 ? Yellow : Green, colour));
        var safety = new List<string> { CaptureState(extras, colour) };
        if (extras.SinceSave is { } saved)
            safety.Add(Paint("saved " + Ago(saved), Dim, colour));
        if (extras.SinceBackup is { } backedUp)
            safety.Add(Paint("backup " + Ago(backedUp), Dim, colour));
        else if (extras.StatusKnown)
            safety.Add(Paint("no backup yet", Dim, colour));
        foreach (var warning in extras.Warnings)
            safety.Add(Paint("⚠ " + warning, Yellow, colour));
        var separator = colour ? Paint(Separator, Dim, true) : Separator;
        return twoLines
            ? string.Join(separator, parts) + "\n" + string.Join(separator, safety)
            : string.Join(separator, parts.Concat(safety));
    }

    private static string Ago(TimeSpan elapsed) => (elapsed < TimeSpan.Zero ? TimeSpan.Zero : elapsed) switch
    {
        { TotalSeconds: < 60 } e => $"{(int)e.TotalSeconds}s ago",
        { TotalMinutes: < 60 } e => $"{(int)e.TotalMinutes}m ago",
        { TotalHours: < 48 } e => $"{(int)e.TotalHours}h ago",
        var e => $"{(int)e.TotalDays}d ago",
    };

    private static string CaptureState(StatusExtras extras, bool colour)
    {
        if (!extras.GatewayReachable)
            return Paint("○ not capturing (gateway down, spooling)", Red, colour);
        if (extras.SpoolBacklog > 0)
            return Paint($"◐ {extras.EventsCaptured} captured, {extras.SpoolBacklog} spooled", Yellow, colour);
        return Paint($"● {extras.EventsCaptured} captured", Green, colour);
    }

    /// <summary>
    /// The project's folder name; in a worktree Claude Code made (its input's <c>worktree</c>, 2.1.332), the checkout's with the
    /// worktree's, as the web view names it: "app (worktree fix-login)".
    /// </summary>
    private static string? Project(JsonElement input)
    {
        if (Text(input, "worktree", "original_cwd") is { Length: > 0 } checkout && Text(input, "worktree", "name") is { Length: > 0 } worktree)
            return ProjectNames.OfWorktree(checkout, worktree);
        var directory = Text(input, "workspace", "project_dir") ?? Text(input, "workspace", "current_dir") ?? Text(input, "cwd");
        return string.IsNullOrEmpty(directory) ? null : ProjectNames.Of(directory);
    }

    private static double? ContextPercent(JsonElement input)
    {
        if (Number(input, "context_window", "used_percentage") is { } used)
            return used;
        if (Number(input, "context_window", "total_input_tokens") is { } tokens
            && Number(input, "context_window", "context_window_size") is { } size and > 0)
            return 100 * tokens / size;
        return null;
    }

    private static string Duration(TimeSpan elapsed) =>
        elapsed.TotalHours >= 1 ? $"{(int)elapsed.TotalHours}h{elapsed.Minutes:00}m"
        : elapsed.TotalMinutes >= 1 ? $"{elapsed.Minutes}m{elapsed.Seconds:00}s"
        : $"{elapsed.Seconds}s";

    private static string Paint(string text, string colourCode, bool colour) => colour ? colourCode + text + Reset : text;

    private static JsonElement? Find(JsonElement input, params string[] path)
    {
        var current = input;
        foreach (var name in path)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current))
                return null;
        }
        return current;
    }

    private static string? Text(JsonElement input, params string[] path) =>
        Find(input, path) is { ValueKind: JsonValueKind.String } found ? found.GetString() : null;

    private static double? Number(JsonElement input, params string[] path) =>
        Find(input, path) is { ValueKind: JsonValueKind.Number } found ? found.GetDouble() : null;

    /// <summary>Whether to colour: off when <c>NO_COLOR</c> is set or <c>SM_STATUSLINE_COLOR=0</c>.</summary>
    public static bool ColourWanted() =>
        Environment.GetEnvironmentVariable("NO_COLOR") is null && Environment.GetEnvironmentVariable("SM_STATUSLINE_COLOR") != "0";
}
