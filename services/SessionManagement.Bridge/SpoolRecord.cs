namespace SessionManagement.Bridge;

/// <summary>One hook kept on local disk because it could not be delivered; replayed later, in capture order, once per <see cref="EventId"/>.</summary>
/// <param name="EventId">The UUIDv7 stamped at capture.</param>
/// <param name="ReceivedAt">When the hook was captured.</param>
/// <param name="Host">The machine it ran on.</param>
/// <param name="User">The user it ran as.</param>
/// <param name="ProjectDir">Claude Code's project directory, when known.</param>
/// <param name="BridgeVersion">The version of what captured it.</param>
/// <param name="Reason">Why it was spooled, for people.</param>
/// <param name="Payload">The hook input exactly as received (it may not be JSON at all).</param>
public sealed record SpoolRecord(
    Guid EventId,
    DateTimeOffset ReceivedAt,
    string Host,
    string User,
    string? ProjectDir,
    string BridgeVersion,
    string Reason,
    byte[] Payload);
