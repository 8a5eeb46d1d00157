namespace SessionManagement.Contracts.Chat;

/// <summary>
/// Asks the chat module to sum up what it holds of a session's transcript (after an import); answered with, and published as,
/// <see cref="TranscriptSummarized"/>, so the modules that keep sessions make an imported one a session like any other.
/// </summary>
/// <param name="SessionId">The session.</param>
/// <param name="ParentSessionId">The session it was branched from (<c>smctl branch</c>), when the import said so.</param>
/// <param name="ImportedBy">Who imported it: the session is theirs while no hook has reached it.</param>
public record SummarizeTranscript(string SessionId, string? ParentSessionId = null, string? ImportedBy = null);

/// <summary>What a session's transcript says about the session, from every line chat holds of it.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="FirstAt">The earliest line's time: when the session started.</param>
/// <param name="LastAt">The latest line's time: when it was last active.</param>
/// <param name="Cwd">Its project: the folder its last <c>relocated</c> line names (Claude Code's <c>/cd</c> moved it there), else the working directory of its first line that names one.</param>
/// <param name="Model">The model of its latest reply.</param>
/// <param name="Prompts">Its prompts (user messages that are not tool results).</param>
/// <param name="ToolCalls">The tool calls its replies made.</param>
/// <param name="Lines">Its lines chat holds.</param>
/// <param name="Title">The title its lines give it (<see cref="TranscriptTitle.Shown"/>), if any.</param>
/// <param name="GitBranch">The git branch its latest line that names one was written on (<c>gitBranch</c>).</param>
/// <param name="FirstPrompt">The text of its first prompt (its first user message that is not a tool result).</param>
/// <param name="ParentSessionId">The session it was branched from, when its import said so.</param>
/// <param name="ImportedBy">Who imported it (<see cref="SummarizeTranscript.ImportedBy"/>).</param>
public record TranscriptSummarized(
    string SessionId,
    DateTimeOffset FirstAt,
    DateTimeOffset LastAt,
    string? Cwd,
    string? Model,
    long Prompts,
    long ToolCalls,
    long Lines,
    string? Title = null,
    string? GitBranch = null,
    string? FirstPrompt = null,
    string? ParentSessionId = null,
    string? ImportedBy = null);
