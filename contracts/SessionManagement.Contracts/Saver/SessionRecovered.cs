namespace SessionManagement.Contracts.Saver;

/// <summary>A corrupted session was brought back.</summary>
/// <param name="SessionId">The session recovered.</param>
/// <param name="Method">How: <c>backup</c>, <c>partial</c> or <c>reconstructed</c> (from raw events and transcript lines).</param>
/// <param name="Detail">What was recovered and what was lost, for people.</param>
/// <param name="RecoveredAt">When recovery finished.</param>
public record SessionRecovered(
    string SessionId,
    string Method,
    string Detail,
    DateTimeOffset RecoveredAt);
