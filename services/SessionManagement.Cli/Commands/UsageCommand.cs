using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SessionManagement.Cli.Commands;

internal sealed class UsageSettings : GatewaySettings
{
    [CommandOption("--by <GROUP>")]
    [Description("day, month, project or model (default day).")]
    public string By { get; init; } = "day";

    [CommandOption("-s|--since <DATE>")]
    [Description("From this day on, in the time zone (2026-11-01 or 20261101; default: everything kept).")]
    public string? Since { get; init; }

    [CommandOption("-u|--until <DATE>")]
    [Description("Up to this day, included.")]
    public string? Until { get; init; }

    [CommandOption("-z|--timezone <ZONE>")]
    [Description("The time zone days and months are counted in (Europe/Paris, UTC; default: this machine's, or TZ).")]
    public string? TimeZone { get; init; }

    internal static readonly string[] Groups = ["day", "month", "project", "model"];

    public override ValidationResult Validate()
    {
        if (!Groups.Contains(By))
            return ValidationResult.Error($"--by must be one of {string.Join(", ", Groups)}");
        if (Since is not null && Day(Since) is null)
            return ValidationResult.Error($"--since {Since}: a day such as 2026-11-01 or 20261101");
        if (Until is not null && Day(Until) is null)
            return ValidationResult.Error($"--until {Until}: a day such as 2026-11-30 or 20261130");
        if (Zone() is null)
            return ValidationResult.Error($"--timezone {TimeZone}: not a time zone this machine knows (Europe/Paris, UTC)");
        return ValidationResult.Success();
    }

    internal static DateOnly? Day(string text) =>
        DateOnly.TryParseExact(text, ["yyyy-MM-dd", "yyyyMMdd"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;

    internal TimeZoneInfo? Zone()
    {
        if (TimeZone is null)
            return TimeZoneInfo.Local;
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
        }
        catch (Exception error) when (error is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return null;
        }
    }
}

/// <summary>
/// <c>smctl usage</c>: tokens and cost by day, month, project or model, as ccusage's reports count them (each API response once,
/// by <c>message.id</c> + <c>requestId</c>; input, output, cache writes and cache reads apart), from the status module's usage
/// report. Days and months are made of the report's hours in the time zone asked, as ccusage makes them in the machine's.
/// </summary>
internal sealed class UsageCommand : GatewayCommand<UsageSettings>
{
    protected override async Task<int> RunAsync(GatewayClient client, UsageSettings settings, CancellationToken cancellationToken)
    {
        var zone = settings.Zone()!;
        var from = settings.Since is { } since ? Start(UsageSettings.Day(since)!.Value, zone) : DateTimeOffset.UnixEpoch;
        var query = $"api/reports/usage?granularity=hour&groupBy={(settings.By is "project" or "model" ? settings.By : "period")}&from={Iso(from)}"
            + (settings.Until is { } until ? $"&to={Iso(Start(UsageSettings.Day(until)!.Value.AddDays(1), zone))}" : "");
        var report = (await client.GetJsonAsync(query, cancellationToken))!.Value;

        // Each hour (or project, or model) added to its day or month in the zone.
        var key = settings.By switch { "day" => "date", "month" => "month", _ => settings.By };
        var rows = new SortedDictionary<string, Totals>(StringComparer.Ordinal);
        foreach (var row in report.GetProperty("rows").EnumerateArray())
        {
            var group = row.GetProperty("group").GetString()!;
            if (settings.By is "day" or "month")
            {
                var local = TimeZoneInfo.ConvertTime(DateTimeOffset.Parse(group, CultureInfo.InvariantCulture), zone);
                group = local.ToString(settings.By == "day" ? "yyyy-MM-dd" : "yyyy-MM", CultureInfo.InvariantCulture);
            }
            else if (group.Length == 0)
                group = "(none)"; // usage counted before its session's project was known
            var totals = rows.TryGetValue(group, out var t) ? t : new Totals();
            rows[group] = totals.Add(row.GetProperty("metrics"));
        }
        foreach (var empty in rows.Where(r => r.Value.IsEmpty).Select(r => r.Key).ToList()) // an hour or a project of other counts only
            rows.Remove(empty);
        var all = rows.Values.Aggregate(new Totals(), (sum, r) => sum.Plus(r));

        if (settings.Json)
        {
            PrintJson(JsonSerializer.SerializeToElement(new Dictionary<string, object>
            {
                ["by"] = settings.By,
                ["timeZone"] = zone.Id,
                ["rows"] = rows.Select(r => r.Value.ToJson(key, r.Key)).ToList(),
                ["totals"] = all.ToJson(null, null),
            }));
            return ExitCodes.Ok;
        }
        var table = new Table().AddColumn(CultureInfo.InvariantCulture.TextInfo.ToTitleCase(settings.By));
        foreach (var header in new[] { "Input", "Output", "Cache create", "Cache read", "Total tokens", "Cost (USD)" })
            table.AddColumn(new TableColumn(header).RightAligned());
        foreach (var (group, totals) in rows)
            table.AddRow([Markup.Escape(group), .. totals.Cells()]);
        table.AddRow(["[bold]Total[/]", .. all.Cells().Select(c => $"[bold]{c}[/]")]);
        Out.Write(table);
        if (all.Unpriced > 0)
            Out.MarkupLine($"{ClaudeProjects.Count(all.Unpriced)} tokens of models without a price are counted but add nothing to the cost (Status:Prices).");
        Out.MarkupLine($"Counted in {Markup.Escape(zone.Id)}, each API response once, as ccusage counts them.");
        return ExitCodes.Ok;
    }

    private static DateTimeOffset Start(DateOnly day, TimeZoneInfo zone)
    {
        var midnight = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(midnight, zone.GetUtcOffset(midnight));
    }

    private static string Iso(DateTimeOffset time) => Uri.EscapeDataString(time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));

    private sealed record Totals(long Input = 0, long Output = 0, long CacheCreation = 0, long CacheRead = 0, decimal Cost = 0, long Unpriced = 0)
    {
        public long Tokens => Input + Output + CacheCreation + CacheRead;

        public bool IsEmpty => Tokens == 0 && Cost == 0 && Unpriced == 0;

        public Totals Add(JsonElement metrics)
        {
            long Of(string name) => metrics.TryGetProperty(name, out var value) ? (long)Math.Round(value.GetDouble()) : 0;
            var cost = metrics.TryGetProperty("cost_usd", out var usd) ? (decimal)usd.GetDouble() : 0;
            return Plus(new Totals(Of("input_tokens"), Of("output_tokens"), Of("cache_creation_tokens"), Of("cache_read_tokens"), cost, Of("unpriced_tokens")));
        }

        public Totals Plus(Totals other) => new(Input + other.Input, Output + other.Output, CacheCreation + other.CacheCreation,
            CacheRead + other.CacheRead, Cost + other.Cost, Unpriced + other.Unpriced);

        public IEnumerable<string> Cells() =>
            [.. new[] { Input, Output, CacheCreation, CacheRead, Tokens }.Select(ClaudeProjects.Count), "$" + Cost.ToString("#,0.00", CultureInfo.InvariantCulture)];

        public Dictionary<string, object> ToJson(string? key, string? group)
        {
            var json = new Dictionary<string, object>();
            if (key is not null)
                json[key] = group!;
            json["inputTokens"] = Input;
            json["outputTokens"] = Output;
            json["cacheCreationTokens"] = CacheCreation;
            json["cacheReadTokens"] = CacheRead;
            json["totalTokens"] = Tokens;
            json["totalCost"] = Math.Round(Cost, 6);
            json["unpricedTokens"] = Unpriced;
            return json;
        }
    }
}
