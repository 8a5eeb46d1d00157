namespace SessionManagement.Contracts.Scheduler;

/// <summary>The schedule says: roll metrics up over the period that just closed.</summary>
/// <param name="CommandId">Unique per firing; handling the same id twice does the work once.</param>
/// <param name="Granularity">The roll-up period: <c>minute</c>, <c>hour</c> or <c>day</c>.</param>
/// <param name="PeriodStart">Start of the period rolled up (inclusive).</param>
/// <param name="PeriodEnd">End of the period rolled up (exclusive).</param>
public record ComputeMetrics(
    Guid CommandId,
    string Granularity,
    DateTimeOffset PeriodStart,
    DateTimeOffset PeriodEnd);
