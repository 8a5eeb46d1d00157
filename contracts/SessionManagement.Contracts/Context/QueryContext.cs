namespace SessionManagement.Contracts.Context;

/// <summary>
/// Asks for the context items a session may see: its own, its project's, its user's and its team's, without
/// other sessions' or users' private items or expired ones. Answered with <see cref="ContextItemsFound"/>.
/// </summary>
/// <param name="SessionId">The session starting or asking.</param>
/// <param name="ProjectDir">Its project.</param>
/// <param name="User">Its user.</param>
/// <param name="Team">Its team, if it has one.</param>
/// <param name="MaxBytes">Stop adding items (highest priority, then newest, first) once their content reaches this many bytes.</param>
public record QueryContext(
    string? SessionId,
    string? ProjectDir,
    string? User,
    string? Team,
    long MaxBytes);
