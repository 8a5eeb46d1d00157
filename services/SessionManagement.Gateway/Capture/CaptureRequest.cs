namespace SessionManagement.Gateway.Capture;

/// <summary>One hook as it reached the gateway, with whatever envelope <c>sm-hook</c> stamped on it.</summary>
public sealed record CaptureRequest(
    byte[] Body,
    string Channel,
    Guid? EventId = null,
    DateTimeOffset? ReceivedAt = null,
    string? Host = null,
    string? User = null,
    string? ProjectDir = null,
    string? BridgeVersion = null);
