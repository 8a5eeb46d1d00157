namespace SessionManagement.Bridge;

/// <summary>
/// The Claude Code hook events sm-hook registers for, and those it leaves alone; <c>sm-hook install</c> writes the settings so, and
/// <c>smctl doctor</c> names the events an install does not capture.
/// </summary>
public static class ObservedHooks
{
    /// <summary>
    /// Every event Claude Code knows (2.1.33x: the list in its own code, 34 names on 2.1.332) whose hooks only observe. Claude Code
    /// ignores names it does not know, so an older version is not harmed by them. Two of them are guards that sm-hook answers with
    /// no decision: PreToolUse, and PreSkillShellCommand (a shell command a skill runs as it loads, which no tool hook sees), where
    /// 2.1.332 runs the command whether the hook answers nothing, fails or times out.
    /// </summary>
    public static readonly IReadOnlyList<string> Events =
    [
        "Setup", "SessionStart", "UserPromptSubmit", "UserPromptExpansion", "PreToolUse", "PermissionDenied", "PostToolUse",
        "PostToolUseFailure", "PostToolBatch", "SubagentStart", "SubagentStop", "TaskCreated", "TaskCompleted", "Stop", "StopFailure",
        "TeammateIdle", "PreCompact", "PostCompact", "Notification", "ConfigChange", "InstructionsLoaded", "CwdChanged", "FileChanged",
        "WorktreeRemove", "SessionEnd", "MessageDisplay", "PreModelSwitch", "PostModelSwitch", "DirectoryAdded", "PreSkillShellCommand",
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
}
