namespace SessionManagement.Contracts.Saver;

/// <summary>One page of sessions.</summary>
/// <param name="Total">Sessions matching the filters in all.</param>
/// <param name="Sessions">The page, most recently active first.</param>
public record SessionsListed(
    long Total,
    IReadOnlyList<SessionSummary> Sessions);
