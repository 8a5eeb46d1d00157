namespace SessionManagement.HookBridge;

/// <summary>
/// The Claude Code hook events sm-hook registers for: every event Claude Code documents (2.1.33x) whose hooks only observe,
/// and three seen in its captures. Claude Code ignores names it does not know, so an older version is not harmed by them.
/// </summary>
internal static class HookEvents
{
    public static readonly IReadOnlyList<string> All =
    [
        "Setup", "SessionStart", "UserPromptSubmit", "UserPromptExpansion", "PreToolUse", "PermissionDenied", "PostToolUse",
        "PostToolUseFailure", "PostToolBatch", "SubagentStart", "SubagentStop", "TaskCreated", "TaskCompleted", "Stop", "StopFailure",
        "TeammateIdle", "PreCompact", "PostCompact", "Notification", "ConfigChange", "InstructionsLoaded", "CwdChanged", "FileChanged",
        "WorktreeRemove", "SessionEnd", "MessageDisplay", "PreModelSwitch", "PostModelSwitch",
    ];

    /// <summary>
    /// Events whose hooks change what Claude Code does, left alone: a WorktreeCreate hook replaces worktree creation (it must
    /// make the worktree and print its path), a PermissionRequest answer allows or denies, an Elicitation or ElicitationResult
    /// answer responds in the user's place. An install from an earlier version that registered one of them is taken out.
    /// </summary>
    public static readonly IReadOnlySet<string> Acting = new HashSet<string>(StringComparer.Ordinal)
    {
        "WorktreeCreate", "PermissionRequest", "Elicitation", "ElicitationResult",
    };

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
