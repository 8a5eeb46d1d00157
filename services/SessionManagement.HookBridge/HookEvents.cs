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

    /// <summary>
    /// Events whose command hook Claude Code must wait for: SessionStart's answer is the context it hands the model, and
    /// SessionEnd's hand-off must finish before Claude Code exits. Stop too: <c>claude -p</c> tears its session down as the turn
    /// ends, signalling the background Stop hook it has just started (seen with 2.1.332), which could die before its first
    /// instruction. Every other event's answer is "{}" (no decision) and read by nobody, so its command runs in the background
    /// (<c>"async": true</c>) where Claude Code supports that.
    /// </summary>
    public static readonly IReadOnlySet<string> Awaited = new HashSet<string>(StringComparer.Ordinal) { "Setup", "SessionStart", "Stop", "SessionEnd" };
}
