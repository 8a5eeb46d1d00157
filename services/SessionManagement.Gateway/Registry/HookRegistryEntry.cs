namespace SessionManagement.Gateway.Registry;

/// <summary>One hook event seen from one host and project: how often, since when, through which bridge version.</summary>
public sealed record HookRegistryEntry(
    string Host,
    string ProjectDir,
    string HookEventName,
    long Count,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    string BridgeVersion);
