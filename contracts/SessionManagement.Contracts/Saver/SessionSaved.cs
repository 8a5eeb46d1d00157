namespace SessionManagement.Contracts.Saver;

/// <summary>A session's state was written durably.</summary>
/// <param name="SessionId">The session saved.</param>
/// <param name="Version">The stored document's version after this save; increases by one per save.</param>
/// <param name="EventCount">How many hook events the session holds.</param>
/// <param name="Checksum">The checksum stored with the document.</param>
/// <param name="SavedAt">When the save completed.</param>
/// <param name="DurationMs">How long the write took (the whole batch it was part of), when measured.</param>
public record SessionSaved(
    string SessionId,
    long Version,
    long EventCount,
    string Checksum,
    DateTimeOffset SavedAt,
    double? DurationMs = null);
