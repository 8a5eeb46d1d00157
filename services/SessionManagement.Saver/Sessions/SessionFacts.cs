namespace SessionManagement.Saver.Sessions;

/// <summary>What a store reads back about one session's events, for <see cref="SessionDerivation"/> to turn into state.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="Tallies">Per hook event name: count, first, last.</param>
/// <param name="FirstCwd">The working directory of the session's earliest event: its project.</param>
/// <param name="LatestStart">The newest SessionStart (model, source, cwd), if any.</param>
/// <param name="LatestEnd">The newest SessionEnd (reason), if any.</param>
/// <param name="LatestCwd">The working directory of the newest event that had one.</param>
/// <param name="LatestGitBranch">The git branch of the newest event that had one.</param>
/// <param name="LatestModel">The model of the newest SessionStart that named one: a resume that names none keeps it.</param>
/// <param name="TranscriptTitle">The title the session's transcript gives it (its custom title, else its summary), if any.</param>
/// <param name="FirstPrompt">The session's first prompt (its earliest UserPromptSubmit's), read only when its transcript gives it no title.</param>
/// <param name="TranscriptModel">The model the session's transcript names (its replies'), for a session no SessionStart named one for (<c>claude -p</c>).</param>
public sealed record SessionFacts(
    string SessionId,
    IReadOnlyList<EventTally> Tallies,
    string? FirstCwd,
    StoredEvent? LatestStart,
    StoredEvent? LatestEnd,
    string? LatestCwd,
    string? LatestGitBranch = null,
    string? LatestModel = null,
    string? TranscriptModel = null,
    string? TranscriptTitle = null,
    string? FirstPrompt = null);
