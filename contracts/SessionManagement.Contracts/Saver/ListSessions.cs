namespace SessionManagement.Contracts.Saver;

/// <summary>Asks the saver for sessions, most recently active first. Answered with <see cref="SessionsListed"/>.</summary>
/// <param name="ProjectDir">Only sessions of this project.</param>
/// <param name="Status">Only sessions in this status: <c>Active</c> or <c>Ended</c>.</param>
/// <param name="Since">Only sessions active at or after this time.</param>
/// <param name="Until">Only sessions started before this time.</param>
/// <param name="Skip">Sessions to skip.</param>
/// <param name="Limit">The most sessions to return (the saver caps it).</param>
/// <param name="Starting">
/// Asked for a SessionStart of this session (the loader): a session chosen for <paramref name="ProjectDir"/> with <see cref="UseSession"/>
/// comes first while no session of the project but this one has started since the choice.
/// </param>
/// <param name="User">Only sessions this user owns (the user of their first hook): what a reader's own token lists.</param>
/// <param name="GitBranch">Only sessions whose latest event was on this git branch.</param>
/// <param name="ParentSessionId">Only sessions that continue this one (its resumes, forks and branches).</param>
/// <param name="IdPrefix">Only sessions whose id begins so (what <c>smctl</c> takes for a session's id, as git takes a commit's).</param>
/// <param name="Sort">
/// The order: <c>recent</c> (most recently active first, the default), <c>started</c> (latest start first), <c>oldest</c> (earliest
/// start first), <c>prompts</c> or <c>tools</c> (most prompts or tool calls first).
/// </param>
public record ListSessions(
    string? ProjectDir,
    string? Status,
    DateTimeOffset? Since,
    DateTimeOffset? Until,
    int Skip,
    int Limit,
    string? Starting = null,
    string? User = null,
    string? GitBranch = null,
    string? Sort = null,
    string? ParentSessionId = null,
    string? IdPrefix = null);
