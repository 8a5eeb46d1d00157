namespace SessionManagement.HookBridge;

/// <summary>The Claude Code hook events sm-hook registers for.</summary>
internal static class HookEvents
{
    public static readonly IReadOnlyList<string> All =
    [
        "SessionStart", "Setup", "UserPromptSubmit", "PreToolUse", "PermissionRequest", "PostToolUse",
        "PostToolUseFailure", "Notification", "SubagentStart", "SubagentStop", "Stop", "StopFailure",
        "PreCompact", "PostCompact", "SessionEnd",
    ];

    /// <summary>Claude Code accepts only command handlers for these.</summary>
    public static readonly IReadOnlySet<string> CommandOnly = new HashSet<string>(StringComparer.Ordinal) { "SessionStart", "Setup" };
}
