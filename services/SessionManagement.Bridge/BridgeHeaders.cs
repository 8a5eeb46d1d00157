namespace SessionManagement.Bridge;

/// <summary>HTTP headers <c>sm-hook</c> sends with a hook so the gateway keeps the envelope stamped at capture.</summary>
public static class BridgeHeaders
{
    public const string EventId = "X-SM-Event-Id";
    public const string ReceivedAt = "X-SM-Received-At";
    public const string Host = "X-SM-Host";
    public const string User = "X-SM-User";
    public const string ProjectDir = "X-SM-Project-Dir";
    public const string BridgeVersion = "X-SM-Bridge-Version";

    /// <summary>Present (value <c>1</c>) when the hook is replayed from the spool rather than captured live.</summary>
    public const string Spooled = "X-SM-Spooled";
}
