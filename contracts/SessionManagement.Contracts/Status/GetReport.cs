namespace SessionManagement.Contracts.Status;

/// <summary>Asks for a report over the rolled-up metrics. Answered with <see cref="ReportReady"/>.</summary>
/// <param name="Kind"><c>usage</c> (sessions, prompts, tool calls, tokens, cost), <c>performance</c> (load and save latency percentiles), <c>quality</c> (errors, backup failures, corruptions, recoveries) or <c>trends</c> (all of them per period).</param>
/// <param name="Granularity"><c>minute</c>, <c>hour</c> or <c>day</c>.</param>
/// <param name="GroupBy"><c>period</c>, <c>project</c>, <c>user</c> or <c>model</c> (the model that wrote each response: tokens and cost only).</param>
/// <param name="From">Periods starting at or after this.</param>
/// <param name="To">Periods starting before this.</param>
public record GetReport(string Kind, string Granularity, string GroupBy, DateTimeOffset From, DateTimeOffset To);
