namespace SessionManagement.HookBridge;

/// <summary>
/// How sm-hook treats each hook event it is registered for (which events those are: <see cref="SessionManagement.Bridge.ObservedHooks"/>).
/// </summary>
internal static class HookEvents
{
    /// <summary>Claude Code accepts only command handlers for these.</summary>
    public static readonly IReadOnlySet<string> CommandOnly = new HashSet<string>(StringComparer.Ordinal) { "SessionStart", "Setup" };

    /// <summary>Events whose answer Claude Code reads: SessionStart's (and Setup's) is the context it hands the model.</summary>
    public static readonly IReadOnlySet<string> Answered = new HashSet<string>(StringComparer.Ordinal) { "Setup", "SessionStart" };

    /// <summary>
    /// The longest a hook whose answer nobody reads waits for the gateway before it is spooled. In the background, <c>claude -p</c>'s
    /// teardown sends it SIGKILL 1.2 s after its SIGTERM (2.1.332), which comes 0.1 s or more after the hook started; in the
    /// foreground (Stop, SessionEnd, or every hook for an older Claude Code), Claude Code waits for it. A slow, hung or distant gateway
    /// (another machine's, on a bad network) then takes the hook from the spool, and holds Claude Code up no longer than this.
    /// </summary>
    public static readonly TimeSpan UnansweredWait = TimeSpan.FromMilliseconds(800);

    /// <summary>The value of a hook's <c>hook_event_name</c>, found in its JSON without parsing the rest; null when it has none.</summary>
    public static string? NameIn(ReadOnlySpan<byte> payload) => SessionManagement.Bridge.HookFields.StringIn(payload, "\"hook_event_name\""u8, 64);

    /// <summary>How long this hook waits for the gateway: <paramref name="configured"/>, or less for a hook whose answer nobody reads.</summary>
    public static TimeSpan WaitFor(ReadOnlySpan<byte> payload, TimeSpan configured) =>
        NameIn(payload) is { } name && !Answered.Contains(name) && configured > UnansweredWait ? UnansweredWait : configured;
}
