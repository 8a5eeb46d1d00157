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
/// <param name="FirstPrompt">The session's first prompt (its imported transcript's, else its earliest UserPromptSubmit's), read only when its transcript gives it no title.</param>
/// <param name="TranscriptModel">The model the session's transcript names (its replies'), for a session no SessionStart named one for (<c>claude -p</c>).</param>
/// <param name="Imported">What the session's imported transcript said of it before any hook reached it, if it was imported first.</param>
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
    string? FirstPrompt = null,
    ImportedTranscript? Imported = null);

/// <summary>
/// What a session's imported transcript said of it when no hook had reached it (<see cref="SessionDerivation.FromTranscript"/>): kept
/// for when hooks come later (the session resumed with the hooks installed), which count only what happens from then on.
/// </summary>
/// <param name="FirstAt">The time of its first line.</param>
/// <param name="LastAt">The time of its last line: hooks that began after it came from a later run (the session resumed).</param>
/// <param name="Prompts">Its prompts then.</param>
/// <param name="ToolCalls">Its tool calls then.</param>
/// <param name="Cwd">Its working directory then.</param>
public sealed record ImportedTranscript(DateTimeOffset FirstAt, DateTimeOffset LastAt, long Prompts, long ToolCalls, string? Cwd)
{
    /// <summary>The kind under which the saver keeps an imported session's first prompt with the titles its transcript gives (sealed as they are).</summary>
    public const string FirstPromptKind = "first-prompt";
}
