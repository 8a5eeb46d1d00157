namespace SessionManagement.Contracts.Gateway;

/// <summary>
/// A <see cref="HookEventCaptured"/> whose hook carries conversation text: a prompt, a reply, or compaction's
/// instructions and summary (<see cref="CarriesConversation"/>). The gateway publishes those hooks as this type, so
/// consumers of <see cref="HookEventCaptured"/> still receive every hook, while modules that only read conversation text
/// consume this and are not handed every tool call as well.
/// </summary>
public record ConversationHookCaptured(
    Guid EventId,
    string SessionId,
    string HookEventName,
    DateTimeOffset ReceivedAt,
    long CaptureSequence,
    string Host,
    string User,
    string? Cwd,
    string? TranscriptPath,
    string RawJson,
    string? GitBranch = null)
    : HookEventCaptured(EventId, SessionId, HookEventName, ReceivedAt, CaptureSequence, Host, User, Cwd, TranscriptPath, RawJson, GitBranch)
{
    /// <summary>UserPromptSubmit (<c>prompt</c>), Stop and SubagentStop (<c>last_assistant_message</c>), PreCompact (<c>custom_instructions</c>), PostCompact (<c>compact_summary</c>).</summary>
    public static bool CarriesConversation(string hookEventName) =>
        hookEventName is "UserPromptSubmit" or "Stop" or "SubagentStop" or "PreCompact" or "PostCompact";

    /// <summary>The hook as what it is: a <see cref="ConversationHookCaptured"/> when it carries conversation text, else as given.</summary>
    public static HookEventCaptured Classify(HookEventCaptured hook) => CarriesConversation(hook.HookEventName)
        ? new ConversationHookCaptured(hook.EventId, hook.SessionId, hook.HookEventName, hook.ReceivedAt, hook.CaptureSequence, hook.Host, hook.User,
            hook.Cwd, hook.TranscriptPath, hook.RawJson, hook.GitBranch)
        : hook;
}
