namespace SessionManagement.Contracts.Gateway;

/// <summary>
/// One Claude Code hook invocation as the gateway received it: the envelope the gateway stamped and
/// the hook's JSON kept byte for byte, whatever the event name.
/// </summary>
/// <param name="EventId">A UUIDv7 stamped at capture: unique per event, sortable by capture time, the idempotency key of every write.</param>
/// <param name="SessionId">Claude Code's <c>session_id</c>, as sent (may be empty when the hook input had none).</param>
/// <param name="HookEventName">Claude Code's <c>hook_event_name</c>, as sent; unknown names are kept, not rejected.</param>
/// <param name="ReceivedAt">When the gateway (or <c>sm-hook</c>, for spooled events) received the hook.</param>
/// <param name="CaptureSequence">A per-host counter that orders events captured in the same instant.</param>
/// <param name="Host">The machine the hook ran on.</param>
/// <param name="User">The operating-system user the hook ran as.</param>
/// <param name="Cwd">The hook's <c>cwd</c>, if it had one.</param>
/// <param name="TranscriptPath">The hook's <c>transcript_path</c>, if it had one (not yet validated).</param>
/// <param name="RawJson">The hook's JSON exactly as received.</param>
/// <param name="GitBranch">The git branch checked out in <paramref name="Cwd"/> when the gateway captured the hook (read from <c>.git/HEAD</c>); null outside a repository.</param>
public record HookEventCaptured(
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
    string? GitBranch = null);
