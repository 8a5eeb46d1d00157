namespace SessionManagement.Contracts.Saver;

/// <summary>A stored session failed its checksum or schema check when it was loaded.</summary>
/// <param name="SessionId">The damaged session.</param>
/// <param name="Detail">What check failed, for people.</param>
/// <param name="DetectedAt">When it was detected.</param>
public record SessionCorrupted(
    string SessionId,
    string Detail,
    DateTimeOffset DetectedAt);
