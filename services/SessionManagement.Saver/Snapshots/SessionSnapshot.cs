using SessionManagement.Saver.Sessions;

namespace SessionManagement.Saver.Snapshots;

/// <summary>
/// A session's state as written by an auto-save: <see cref="Checksum"/> is the SHA-256 of the serialized
/// state, so a damaged snapshot is told from a good one before it is trusted.
/// </summary>
public sealed record SessionSnapshot(string SessionId, long Version, int SchemaVersion, string Checksum, DateTimeOffset TakenAt, SessionState State);
