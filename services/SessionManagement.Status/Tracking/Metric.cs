namespace SessionManagement.Status.Tracking;

/// <summary>The counted metrics, by the names reports use.</summary>
public static class Metric
{
    public const string SessionsStarted = "sessions_started";
    public const string SessionsEnded = "sessions_ended";
    public const string Prompts = "prompts";
    public const string ToolCalls = "tool_calls";
    public const string Errors = "errors";
    /// <summary>Input tokens billed at the input rate (not cache writes or reads), as ccusage's Input column.</summary>
    public const string InputTokens = "input_tokens";
    public const string OutputTokens = "output_tokens";
    public const string CacheCreationTokens = "cache_creation_tokens";
    public const string CacheReadTokens = "cache_read_tokens";
    public const string CostUsd = "cost_usd";

    /// <summary>Tokens (all four kinds) of responses from a model the price table does not know: not in <see cref="CostUsd"/>.</summary>
    public const string UnpricedTokens = "unpriced_tokens";
    public const string Saves = "saves";
    public const string Backups = "backups";
    public const string BackupFailures = "backup_failures";
    public const string Corruptions = "corruptions";
    public const string Recoveries = "recoveries";

    public const string Loads = "loads";
    public const string LoadsMissingParts = "loads_missing_parts";

    /// <summary>Latency histograms are counters per bucket: <c>load_ms_le_25</c> counts loads that took at most 25 ms.</summary>
    public static readonly IReadOnlyList<double> LatencyBucketsMs = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, double.PositiveInfinity];

    public static string Bucket(string latency, double milliseconds)
    {
        var bound = LatencyBucketsMs.First(b => milliseconds <= b);
        return $"{latency}_ms_le_{(double.IsPositiveInfinity(bound) ? "inf" : bound.ToString(System.Globalization.CultureInfo.InvariantCulture))}";
    }

    public static readonly IReadOnlyList<string> Usage =
        [SessionsStarted, SessionsEnded, Prompts, ToolCalls, InputTokens, OutputTokens, CacheCreationTokens, CacheReadTokens, CostUsd, UnpricedTokens];
    /// <summary>The metrics counted per model as well (the model that wrote each response): the rest of a report per model is empty.</summary>
    public static readonly IReadOnlyList<string> ByModel = [InputTokens, OutputTokens, CacheCreationTokens, CacheReadTokens, CostUsd, UnpricedTokens];
    public static readonly IReadOnlyList<string> Quality = [Errors, Saves, Backups, BackupFailures, Corruptions, Recoveries];
}
