namespace SessionManagement.Bridge;

/// <summary>
/// Events whose command hook Claude Code must wait for: SessionStart's answer is the context it hands the model, and
/// SessionEnd's hand-off must finish before Claude Code exits. Stop and StopFailure too: <c>claude -p</c> tears its session down
/// as the turn ends, signalling the background Stop (or StopFailure) hook it has just started (seen with 2.1.332), which could
/// die before its first instruction (a StopFailure was lost so in a loaded test run: neither delivered nor spooled). Every other
/// event's answer is "{}" (no decision) and read by nobody, so its command runs in the background (<c>"async": true</c>) where
/// Claude Code supports that. <c>sm-hook install</c> writes the settings so, and <c>smctl doctor</c> checks an install against it.
/// </summary>
public static class AwaitedHooks
{
    public static readonly IReadOnlySet<string> Events = new HashSet<string>(StringComparer.Ordinal)
    {
        "Setup", "SessionStart", "Stop", "StopFailure", "SessionEnd",
    };
}
