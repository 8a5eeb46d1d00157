using System.Security.Cryptography;
using System.Text;
using System.Globalization;

namespace SessionManagement.Saver.Sessions;

/// <summary>
/// Session state as a pure function of the session's stored events (through <see cref="SessionFacts"/>):
/// counts add up, times are minima and maxima, "latest" fields follow receive time. Saving is then
/// idempotent and order-free by construction; only <see cref="SessionState.Version"/> counts saves.
/// </summary>
public static class SessionDerivation
{
    public static SessionState Derive(SessionFacts facts, string? parentSessionId, long version)
    {
        long Count(string name) => facts.Tallies.FirstOrDefault(t => t.HookEventName == name)?.Count ?? 0;
        var startedAt = Milliseconds(facts.Tallies.Min(t => t.First));
        // Ended when the latest SessionEnd came after the latest SessionStart. Claude Code waits for those two hooks (and the few
        // others in Bridge.AwaitedHooks); since 2.1 every other hook runs in the background and may reach us after the SessionEnd of
        // its own run. Going on after an end always starts with a SessionStart (a resume, a clear).
        var lastStart = facts.Tallies.FirstOrDefault(t => t.HookEventName == "SessionStart") is { } starts ? Milliseconds(starts.Last) : startedAt;
        var endedAt = facts.LatestEnd is { } latestEnd ? Milliseconds(latestEnd.ReceivedAt) : (DateTimeOffset?)null;
        var ended = endedAt is { } end && end >= lastStart;

        // A session imported before any hook reached it, then resumed (its hooks began after the transcript's last line), began with
        // its transcript: its start, project and counts go on from there. Hooks that began before that line are of the run the
        // transcript holds (imported while they were on their way): they count the same prompts, and alone.
        var imported = facts.Imported is { } i && facts.Tallies.Min(t => t.First) >= i.LastAt ? i : null;
        if (imported is not null && Milliseconds(imported.FirstAt) < startedAt)
            startedAt = Milliseconds(imported.FirstAt);
        var state = new SessionState(
            facts.SessionId,
            imported?.Cwd ?? facts.FirstCwd ?? facts.LatestCwd ?? "",
            facts.LatestCwd,
            facts.LatestStart?.Model ?? facts.LatestModel ?? facts.TranscriptModel,
            facts.LatestStart?.Source,
            parentSessionId,
            ended ? SessionStatus.Ended : SessionStatus.Active,
            startedAt,
            Milliseconds(facts.Tallies.Max(t => t.Last)),
            ended ? endedAt : null,
            ended ? facts.LatestEnd!.Reason : null,
            facts.Tallies.Sum(t => t.Count),
            Count("UserPromptSubmit") + (imported?.Prompts ?? 0),
            Count("PreToolUse") + (imported?.ToolCalls ?? 0),
            Count("PostToolUseFailure"),
            Math.Max(Count("PreCompact"), Count("PostCompact")),
            version,
            SessionState.CurrentSchemaVersion,
            "",
            Count("SubagentStop"),
            Count("Notification"),
            facts.LatestGitBranch,
            TitleOf(facts));
        return state with { Checksum = Checksum(state) };
    }

    /// <summary>
    /// A session no hook reached, as its imported transcript tells it: its project, branch, model, title, times and counts, ended at its last
    /// line (source <c>import</c>).
    /// </summary>
    public static SessionState FromTranscript(SessionManagement.Contracts.Chat.TranscriptSummarized transcript, long version)
    {
        var (started, last) = (Milliseconds(transcript.FirstAt), Milliseconds(transcript.LastAt));
        return Seal(new SessionState(transcript.SessionId, transcript.Cwd ?? "", transcript.Cwd, transcript.Model, ImportSource, transcript.ParentSessionId,
            SessionStatus.Ended, started, last, last, "imported", 0, transcript.Prompts, transcript.ToolCalls, 0, 0, version,
            SessionState.CurrentSchemaVersion, "", GitBranch: transcript.GitBranch,
            Title: transcript.Title ?? SessionManagement.Contracts.Chat.TranscriptTitle.Shown(FirstLine(transcript.FirstPrompt))));
    }

    /// <summary>The source of a session kept from its imported transcript alone.</summary>
    public const string ImportSource = "import";

    /// <summary>
    /// <paramref name="existing"/> once its transcript named the model no SessionStart did (<paramref name="facts"/> hold that model
    /// already): derived again from its events, or, for a session no hook reached, the same with the model.
    /// </summary>
    public static SessionState WithTranscriptModel(SessionState existing, SessionFacts facts, string model) =>
        facts.Tallies.Count == 0
            ? Seal(existing with { Model = model, Version = existing.Version + 1 })
            : Derive(facts, existing.ParentSessionId, existing.Version + 1);

    /// <summary>
    /// <paramref name="existing"/> with the title its transcript gives it now (<paramref name="facts"/> hold it already): derived
    /// again from its events, or, for a session no hook reached, the same with the title; null when the title is the one it has.
    /// </summary>
    public static SessionState? WithTranscriptTitle(SessionState existing, SessionFacts facts) =>
        facts.Tallies.Count == 0
            ? facts.TranscriptTitle is null || existing.Title == facts.TranscriptTitle ? null : Seal(existing with { Title = facts.TranscriptTitle, Version = existing.Version + 1 })
            : existing.Title == TitleOf(facts) ? null : Derive(facts, existing.ParentSessionId, existing.Version + 1);

    /// <summary>
    /// The title a session shows: the one its transcript gives it (the name the user gave, else Claude Code's summary), else the
    /// first line of its first prompt — what Claude Code's own picker shows for a session without one.
    /// </summary>
    public static string? TitleOf(SessionFacts facts) =>
        facts.TranscriptTitle ?? SessionManagement.Contracts.Chat.TranscriptTitle.Shown(FirstLine(facts.FirstPrompt));

    /// <summary>The first line of <paramref name="text"/> that holds more than blanks.</summary>
    public static string? FirstLine(string? text) =>
        text?.Split('\n').Select(line => line.Trim()).FirstOrDefault(line => line.Length > 0);

    /// <summary>SHA-256 over every field but the checksum itself, in a fixed text form: the fields of the state's own schema version.</summary>
    public static string Checksum(SessionState state)
    {
        var text = string.Join('\u001f',
            state.SessionId, state.ProjectDir, state.Cwd, state.Model, state.Source, state.ParentSessionId, state.Status,
            Time(state.StartedAt), Time(state.LastEventAt), state.EndedAt is { } e ? Time(e) : "", state.EndReason,
            state.EventCount, state.Prompts, state.ToolCalls, state.ToolFailures, state.Compactions, state.Version, state.SchemaVersion);
        if (state.SchemaVersion >= 2)
            text += string.Join('\u001f', "", state.Subagents, state.Notifications);
        if (state.SchemaVersion >= 3)
            text += "\u001f" + state.GitBranch;
        if (state.SchemaVersion >= 4)
            text += "\u001f" + state.Title;
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    public static bool IsIntact(SessionState state) => state.Checksum == Checksum(state);

    /// <summary>The state with its checksum computed afresh.</summary>
    public static SessionState Seal(SessionState state) => state with { Checksum = Checksum(state) };

    /// <summary>
    /// <paramref name="existing"/> as the fork of <paramref name="origin"/> (the session its copied replies name), or null when it did
    /// not begin as a fork (a branch made here, imported, keeps the parent it was made from), that is its parent already, or it is that
    /// session itself.
    /// </summary>
    public static SessionState? WithOrigin(SessionState existing, string origin) =>
        existing.Source != "fork" || existing.ParentSessionId == origin || existing.SessionId == origin ? null
            : Seal(existing with { ParentSessionId = origin, Version = existing.Version + 1 });

    /// <summary>Sources that continue an earlier session of the same project.</summary>
    public static bool ContinuesAnother(string? source) => source is "resume" or "fork" or "clear" or "compact";

    /// <summary>
    /// Whether the session continues another one of its project: it began with a SessionStart that continues (resume, fork,
    /// clear, compact) under an id new to the store. Claude Code 2.1.33x resumes a session under its own id: a resume of a
    /// session the store already holds is that session going on, not a child of the project's newest other session.
    /// </summary>
    public static bool ContinuesAnother(SessionFacts facts) =>
        ContinuesAnother(facts.LatestStart?.Source) && facts.LatestStart!.ReceivedAt <= facts.Tallies.Min(t => t.First);

    private static string Time(DateTimeOffset time) => time.UtcTicks.ToString(CultureInfo.InvariantCulture);

    // The finest precision every store keeps (MongoDB dates are milliseconds), so a state read back checks out.
    private static DateTimeOffset Milliseconds(DateTimeOffset time) =>
        new(time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
}
