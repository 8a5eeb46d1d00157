namespace SessionManagement.Contracts.Saver;

/// <summary>One hook event of a session, as its timeline shows it.</summary>
/// <param name="EventId">The event.</param>
/// <param name="HookEventName">The hook: <c>Notification</c>, <c>PreCompact</c>, <c>StopFailure</c>, …</param>
/// <param name="At">When the gateway received it.</param>
/// <param name="ToolName">The tool it is about, for tool hooks.</param>
/// <param name="Detail">What it says in a line: a notification's message, a failure's error, a compaction's trigger, an end's reason.</param>
public record SessionEventView(Guid EventId, string HookEventName, DateTimeOffset At, string? ToolName, string? Detail);
