namespace SessionManagement.Status.Tracking;

/// <summary>The counted metrics, by the names reports use.</summary>
public static class Metric
{
    public const string SessionsStarted = "sessions_started";
    public const string SessionsEnded = "sessions_ended";
    public const string Prompts = "prompts";
    public const string ToolCalls = "tool_calls";
    public const string Errors = "errors";
    public const string InputTokens = "input_tokens";
    public const string OutputTokens = "output_tokens";
    public const string CostUsd = "cost_usd";
    public const string Saves = "saves";
    public const string Backups = "backups";
    public const string BackupFailures = "backup_failures";
    public const string Corruptions = "corruptions";
    public const string Recoveries = "recoveries";

    public static readonly IReadOnlyList<string> Usage = [SessionsStarted, SessionsEnded, Prompts, ToolCalls, InputTokens, OutputTokens, CostUsd];
    public static readonly IReadOnlyList<string> Quality = [Errors, Saves, Backups, BackupFailures, Corruptions, Recoveries];
}
