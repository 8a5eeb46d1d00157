namespace SessionManagement.Contracts.Saver;

/// <summary>
/// Makes a session the one its project's next SessionStart treats as the last (<c>smctl use</c>): the loader then hands back that
/// session's state and history instead of the most recently active one's. The choice stands until another session of the project
/// has started after it. Answered with <see cref="SessionUsed"/> (also published, so cached renderings of the project go) or
/// <see cref="SessionNotFound"/>.
/// </summary>
/// <param name="SessionId">The session to continue from.</param>
/// <param name="At">When it was chosen.</param>
public record UseSession(string SessionId, DateTimeOffset At);

/// <summary>A session chosen as its project's last (<see cref="UseSession"/>).</summary>
/// <param name="SessionId">The session.</param>
/// <param name="ProjectDir">Its project, whose next SessionStart continues from it.</param>
/// <param name="At">When it was chosen.</param>
public record SessionUsed(string SessionId, string ProjectDir, DateTimeOffset At);
