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
public record ListSessions(
    string? ProjectDir,
    string? Status,
    DateTimeOffset? Since,
    DateTimeOffset? Until,
    int Skip,
    int Limit,
    string? Starting = null,
    string? User = null);
