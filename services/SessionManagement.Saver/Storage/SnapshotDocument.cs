namespace SessionManagement.Saver.Storage;

/// <summary>A snapshot as MongoDB keeps it: one per session, the body compressed and checksummed.</summary>
internal sealed record SnapshotDocument(string Id, long Version, int SchemaVersion, string Checksum, DateTimeOffset TakenAt, byte[] Body, string Encoding);
