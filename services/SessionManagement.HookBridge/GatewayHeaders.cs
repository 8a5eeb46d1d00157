using System.Globalization;
using SessionManagement.Bridge;

namespace SessionManagement.HookBridge;

internal static class GatewayHeaders
{
    /// <summary>The envelope stamped at capture, so a live and a replayed delivery carry the same event id and time.</summary>
    public static List<KeyValuePair<string, string>> For(SpoolRecord record, BridgeEnvironment environment, bool spooled)
    {
        var headers = new List<KeyValuePair<string, string>>(8)
        {
            new(BridgeHeaders.EventId, record.EventId.ToString()),
            new(BridgeHeaders.ReceivedAt, record.ReceivedAt.ToString("O", CultureInfo.InvariantCulture)),
            new(BridgeHeaders.Host, record.Host),
            new(BridgeHeaders.User, record.User),
            new(BridgeHeaders.BridgeVersion, record.BridgeVersion),
        };
        if (record.ProjectDir is not null)
            headers.Add(new(BridgeHeaders.ProjectDir, record.ProjectDir));
        if (spooled)
            headers.Add(new(BridgeHeaders.Spooled, "1"));
        if (environment.Token is not null)
            headers.Add(new("Authorization", "Bearer " + environment.Token));
        return headers;
    }
}
