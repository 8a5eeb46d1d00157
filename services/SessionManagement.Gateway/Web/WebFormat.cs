using System.Globalization;

namespace SessionManagement.Gateway.Web;

/// <summary>How the web view writes times, durations, counts and money: short, invariant, the exact value in a tooltip.</summary>
internal static class WebFormat
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", Invariant);

    public static string Exact(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", Invariant);

    public static string Duration(TimeSpan span) => span.TotalSeconds < 60 ? $"{Math.Max(0, (int)span.TotalSeconds)} s"
        : span.TotalMinutes < 60 ? $"{(int)span.TotalMinutes} min"
        : span.TotalHours < 48 ? $"{(int)span.TotalHours} h {span.Minutes} min"
        : $"{(int)span.TotalDays} d {span.Hours} h";

    public static string Count(long value) => value.ToString("#,0", Invariant);

    public static string Tokens(long value) => value < 10_000 ? Count(value)
        : value < 10_000_000 ? (value / 1000.0).ToString("#,0.#", Invariant) + "k"
        : (value / 1_000_000.0).ToString("#,0.#", Invariant) + "M";

    public static string Cost(decimal usd) => "$" + usd.ToString(usd < 10 ? "0.00##" : "#,0.00", Invariant);

    /// <summary>
    /// A session's cost, honest about responses of models with no price: "no price" when none of it is priced, "≥ $1.20" when part
    /// of it is (its cost is at least what is priced).
    /// </summary>
    public static string Cost(Contracts.Status.SessionStatusFound status) =>
        status.UnpricedTokens == 0 ? Cost(status.CostUsd) : status.CostUsd == 0 ? "no price" : "≥ " + Cost(status.CostUsd);

    /// <summary>What a session's cost leaves out, for its tooltip; null when nothing.</summary>
    public static string? Unpriced(Contracts.Status.SessionStatusFound status) =>
        status.UnpricedTokens == 0 ? null : $"{Count(status.UnpricedTokens)} tokens of a model with no price (Status:Prices) are not in it";

    /// <summary>What people call the project (<see cref="Bridge.ProjectNames"/>), a worktree Claude Code made with its checkout's.</summary>
    public static string ProjectName(string? projectDir) =>
        string.IsNullOrEmpty(projectDir) ? "—"
        : Contracts.ProjectFolders.CheckoutOf(projectDir) is { } checkout ? Bridge.ProjectNames.OfWorktree(checkout, Path.GetFileName(projectDir))
        : Bridge.ProjectNames.Of(projectDir);

    public static string Number(double value) => value.ToString(value >= 100 ? "#,0" : "#,0.##", Invariant);
}
