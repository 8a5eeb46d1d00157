using SessionManagement.Contracts.Chat;
using SessionManagement.Contracts.Saver;
using SessionManagement.Hosting.Security;
using SessionManagement.Saver.Sessions;
using SessionManagement.Saver.Storage;

namespace SessionManagement.Saver.Tests;

public abstract class SessionStoreContract : IAsyncLifetime
{
    private readonly SessionManagement.Testing.TempDirectory _backupFolder = new();

    protected ISessionStore Store { get; private set; } = null!;

    /// <summary>Backups of <see cref="Store"/>'s sessions, as files in a folder of this test's own.</summary>
    private SessionManagement.Saver.Backups.IBackupStore BackupStore => new SessionManagement.Saver.Backups.FileBackupStore(
        (SessionManagement.Saver.Backups.ISessionBackupSource)Store, new SessionManagement.Saver.Backups.BackupFolder(_backupFolder.Path));

    protected static CancellationToken Cancel => TestContext.Current.CancellationToken;

    protected abstract Task<ISessionStore> OpenAsync();

    public virtual async ValueTask InitializeAsync() => Store = await OpenAsync();

    public virtual ValueTask DisposeAsync()
    {
        _backupFolder.Dispose();
        return ValueTask.CompletedTask;
    }

    private static List<StoredEvent> Conversation(SessionEvents s) =>
    [
        s.Next("SessionStart", source: "startup", model: "claude-opus-4"),
        s.Next("UserPromptSubmit"),
        s.Next("PreToolUse"),
        s.Next("PostToolUse"),
        s.Next("PreToolUse"),
        s.Next("PostToolUseFailure"),
        s.Next("PreCompact"),
        s.Next("PostCompact"),
        s.Next("Stop"),
        s.Next("SessionEnd", reason: "prompt_input_exit"),
    ];

    [Fact]
    public async Task When_a_session_is_chosen_for_a_project_Should_keep_the_latest_choice_per_project()
    {
        var project = "/work/choice-" + Guid.NewGuid().ToString("N")[..8];
        var first = DateTimeOffset.Parse("2026-11-30T10:00:00.123Z", System.Globalization.CultureInfo.InvariantCulture);

        var none = await Store.ChosenAsync(project, Cancel);
        await Store.ChooseAsync(project, "session-a", first, Cancel);
        await Store.ChooseAsync(project, "session-b", first.AddMinutes(5), Cancel);
        await Store.ChooseAsync(project + "-other", "session-c", first, Cancel);

        Assert.Null(none);
        Assert.Equal(("session-b", first.AddMinutes(5)), await Store.ChosenAsync(project, Cancel));
        Assert.Equal(("session-c", first), await Store.ChosenAsync(project + "-other", Cancel));
    }

    [Fact]
    public async Task When_audit_entries_are_recorded_Should_keep_each_once_and_list_them_newest_first_by_action_session_user_and_time()
    {
        var session = SessionEvents.NewId();
        var at = DateTimeOffset.Parse("2026-12-02T09:00:00.250Z", System.Globalization.CultureInfo.InvariantCulture);
        var export = new AuditRecorded(Guid.CreateVersion7(), at, "export", "ana", "127.0.0.1", session, "as jsonl");
        var restore = new AuditRecorded(Guid.CreateVersion7(), at.AddMinutes(1), "restore", "ben", "10.0.0.7", session, "as jsonl: its own transcript");
        var delete = new AuditRecorded(Guid.CreateVersion7(), at.AddMinutes(2), "delete", "system", "build-host", session + "-other", null);

        await Store.RecordAuditAsync([export, restore], Cancel);
        await Store.RecordAuditAsync([restore, delete], Cancel); // restore delivered twice

        Assert.Equal([delete, restore, export], await Store.ListAuditAsync(new ListAudit(null, null, null, at, 10), Cancel));
        Assert.Equal([restore], await Store.ListAuditAsync(new ListAudit("restore", null, null, at, 10), Cancel));
        Assert.Equal([restore, export], await Store.ListAuditAsync(new ListAudit(null, session, null, null, 10), Cancel));
        Assert.Equal([export], await Store.ListAuditAsync(new ListAudit(null, null, "ana", at, 10), Cancel));
        Assert.Equal([delete, restore], await Store.ListAuditAsync(new ListAudit(null, null, null, at.AddSeconds(30), 10), Cancel));
        Assert.Equal([delete], await Store.ListAuditAsync(new ListAudit(null, null, null, at, 1), Cancel));
    }

    [Fact]
    public async Task When_backups_run_Should_keep_the_audit_trail_in_a_file_a_month_written_again_only_when_its_month_changes()
    {
        var session = SessionEvents.NewId();
        var november = new AuditRecorded(Guid.CreateVersion7(), DateTimeOffset.Parse("2026-11-30T23:59:59.500Z", System.Globalization.CultureInfo.InvariantCulture),
            "export", "ana", "127.0.0.1", session, "as jsonl");
        var december = new AuditRecorded(Guid.CreateVersion7(), november.At.AddSeconds(1), "restore", "ben", "10.0.0.7", session, "its own transcript");
        var later = new AuditRecorded(Guid.CreateVersion7(), december.At.AddDays(1), "branch", "ana", "127.0.0.1", session, "at u-2");
        var audit = new SessionManagement.Saver.Backups.AuditBackups(
            Microsoft.Extensions.Options.Options.Create(new SessionManagement.Hosting.Options.StorageOptions { BackupDirectory = _backupFolder.Path }), Store,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<SessionManagement.Saver.Backups.AuditBackups>.Instance);
        await Store.RecordAuditAsync([november, december], Cancel);

        var first = await audit.BackUpChangedAsync(Cancel);
        var again = await audit.BackUpChangedAsync(Cancel);
        await Store.RecordAuditAsync([later], Cancel);
        var third = await audit.BackUpChangedAsync(Cancel);
        var (entries, damaged) = await audit.RestoreAsync(Cancel);

        Assert.Equal((2, 0, 1), (first, again, third));
        // Each file read as its format says: a header line, then the month's entries as JSON, oldest first.
        var files = Directory.GetFiles(Path.Combine(_backupFolder.Path, ".audit")).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["2026-11.audit", "2026-12.audit"], files.Select(Path.GetFileName));
        var months = files.Select(f => File.ReadAllText(f).Split('\n', 2)).Select(parts => (Header: System.Text.Json.JsonDocument.Parse(parts[0]).RootElement,
            Ids: System.Text.Json.JsonDocument.Parse(parts[1]).RootElement.EnumerateArray().Select(e => e.GetProperty("auditId").GetGuid()).ToList())).ToList();
        Assert.Equal([november.AuditId], months[0].Ids);
        Assert.Equal([december.AuditId, later.AuditId], months[1].Ids);
        Assert.Equal(2, months[1].Header.GetProperty("entries").GetInt32());
        // Put back into the store that holds them: each entry is still there once.
        Assert.Equal((3, 0), (entries, damaged));
        Assert.Equal([later, december, november], await Store.ListAuditAsync(new ListAudit(null, session, null, null, 10), Cancel));
    }

    [Fact]
    public async Task When_sessions_are_hooked_or_imported_by_users_Should_be_owned_by_the_first_hooks_user_else_the_importer()
    {
        var project = "/work/owners-" + Guid.NewGuid().ToString("N")[..8];
        var hooked = new SessionEvents(SessionEvents.NewId(), project); // its hooks are "dev"'s
        await Store.SaveAsync([hooked.Next("SessionStart", source: "startup"), hooked.Next("UserPromptSubmit")], Cancel);
        var (imported, importedThenHooked) = (SessionEvents.NewId(), new SessionEvents(SessionEvents.NewId(), project));
        var at = DateTimeOffset.Parse("2026-11-20T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var session in new[] { imported, importedThenHooked.SessionId })
            await Store.AdoptTranscriptsAsync([new TranscriptSummarized(session, at, at.AddMinutes(5), project, null, 1, 0, 2, ImportedBy: "ben")], Cancel);
        await Store.SaveAsync([importedThenHooked.Next("UserPromptSubmit")], Cancel);

        Assert.Equal("dev", await Store.OwnerAsync(hooked.SessionId, Cancel));
        Assert.Equal("ben", await Store.OwnerAsync(imported, Cancel));
        Assert.Equal("dev", await Store.OwnerAsync(importedThenHooked.SessionId, Cancel)); // a hook says whose it is
        Assert.Null(await Store.OwnerAsync("no-such-session", Cancel));
        Assert.Equal([imported], (await Store.ListAsync(new SessionQuery(project, null, null, null, 0, 10, User: "ben"), Cancel)).Sessions.Select(s => s.SessionId));
        Assert.Equal(new[] { hooked.SessionId, importedThenHooked.SessionId }.Order(),
            (await Store.ListAsync(new SessionQuery(project, null, null, null, 0, 10, User: "dev"), Cancel)).Sessions.Select(s => s.SessionId).Order());
    }

    [Fact]
    public async Task When_a_conversation_is_saved_Should_derive_counters_times_and_status_from_its_events()
    {
        var s = new SessionEvents(SessionEvents.NewId());
        var events = Conversation(s);

        var result = Assert.Single(await Store.SaveAsync(events, Cancel));

        Assert.True(result.Started);
        Assert.True(result.Ended);
        var state = await Store.GetAsync(s.SessionId, Cancel);
        Assert.Equal(result.State, state);
        Assert.Equal(("/work/shop", "claude-opus-4", "startup", SessionStatus.Ended, "prompt_input_exit"),
            (state!.ProjectDir, state.Model, state.Source, state.Status, state.EndReason));
        Assert.Equal((10L, 1L, 2L, 1L, 1L), (state.EventCount, state.Prompts, state.ToolCalls, state.ToolFailures, state.Compactions));
        Assert.Equal(events[0].ReceivedAt, state.StartedAt);
        Assert.Equal(events[^1].ReceivedAt, state.EndedAt);
        Assert.True(SessionDerivation.IsIntact(state));
    }

    [Fact]
    public async Task When_events_are_redelivered_Should_store_and_count_each_once()
    {
        var s = new SessionEvents(SessionEvents.NewId());
        var events = Conversation(s);
        await Store.SaveAsync(events, Cancel);

        var again = await Store.SaveAsync([events[1], events[2], events[1]], Cancel);

        Assert.Empty(again);
        Assert.Equal(10, (await Store.EventsAsync(s.SessionId, Cancel)).Count);
        Assert.Equal(1, (await Store.GetAsync(s.SessionId, Cancel))!.Version);
    }

    [Fact]
    public async Task When_events_arrive_out_of_order_in_several_batches_Should_end_in_the_same_state()
    {
        var s = new SessionEvents(SessionEvents.NewId());
        var events = Conversation(s);
        var shuffled = events.OrderBy(e => e.EventId.GetHashCode()).ToList();

        foreach (var chunk in shuffled.Chunk(3))
            await Store.SaveAsync(chunk, Cancel);

        var state = (await Store.GetAsync(s.SessionId, Cancel))!;
        var inOrder = SessionDerivation.Derive(new SessionFacts(s.SessionId,
            events.GroupBy(e => e.HookEventName).Select(g => new EventTally(g.Key, g.Count(), g.Min(e => e.ReceivedAt), g.Max(e => e.ReceivedAt))).ToList(),
            "/work/shop", events[0], events[^1], "/work/shop"), null, state.Version);
        Assert.Equal(inOrder, state);
        Assert.Equal(4, state.Version);
    }

    [Fact]
    public async Task When_a_session_goes_on_after_SessionEnd_Should_be_active_again()
    {
        var s = new SessionEvents(SessionEvents.NewId());
        await Store.SaveAsync([s.Next("SessionStart", source: "startup"), s.Next("SessionEnd", reason: "other")], Cancel);

        var resumed = Assert.Single(await Store.SaveAsync([s.Next("SessionStart", source: "resume"), s.Next("UserPromptSubmit")], Cancel));

        Assert.Equal(SessionStatus.Active, resumed.State.Status);
        Assert.Null(resumed.State.EndedAt);
        Assert.False(resumed.Ended);
        Assert.Equal("resume", resumed.State.Source);
    }

    [Fact]
    public async Task When_a_turns_Stop_or_StopFailure_arrives_after_SessionEnd_Should_stay_ended()
    {
        // Claude Code 2.1 runs these hooks in the background: the real CLI's StopFailure has been seen arriving after its SessionEnd.
        var s = new SessionEvents(SessionEvents.NewId());
        await Store.SaveAsync([s.Next("SessionStart", source: "startup"), s.Next("UserPromptSubmit"), s.Next("SessionEnd", reason: "other")], Cancel);

        var late = Assert.Single(await Store.SaveAsync([s.Next("StopFailure"), s.Next("Stop"), s.Next("SubagentStop")], Cancel));

        Assert.Equal((SessionStatus.Ended, "other", 6L), (late.State.Status, late.State.EndReason, late.State.EventCount));
        Assert.NotNull(late.State.EndedAt);
        Assert.False(late.Ended); // announced once, with the SessionEnd
    }

    [Fact]
    public async Task When_a_background_hook_of_the_last_turn_arrives_after_SessionEnd_Should_stay_ended_until_a_SessionStart()
    {
        // Only SessionStart and SessionEnd are awaited by Claude Code 2.1; a last tool call's hooks may come in after the end.
        var s = new SessionEvents(SessionEvents.NewId());
        await Store.SaveAsync([s.Next("SessionStart", source: "startup"), s.Next("PreToolUse"), s.Next("SessionEnd", reason: "other")], Cancel);

        var late = Assert.Single(await Store.SaveAsync([s.Next("PostToolUse"), s.Next("Notification")], Cancel));
        var resumed = Assert.Single(await Store.SaveAsync([s.Next("SessionStart", source: "resume")], Cancel));

        Assert.Equal(SessionStatus.Ended, late.State.Status);
        Assert.Equal(SessionStatus.Active, resumed.State.Status);
    }

    [Fact]
    public async Task When_a_session_is_resumed_under_its_own_id_Should_stay_its_own_session_and_keep_its_model()
    {
        var project = "/work/" + Guid.NewGuid().ToString("N")[..8];
        var earlier = new SessionEvents(SessionEvents.NewId(), project); // an earlier session of the same project
        await Store.SaveAsync([earlier.Next("SessionStart", source: "startup"), earlier.Next("SessionEnd", reason: "other")], Cancel);
        var resumed = new SessionEvents(SessionEvents.NewId(), project);
        for (var i = 0; i < 3; i++)
            resumed.Next("Skip");
        await Store.SaveAsync([resumed.Next("SessionStart", source: "startup", model: "claude-opus-4-5-20251101"), resumed.Next("SessionEnd", reason: "other")], Cancel);
        for (var i = 0; i < 5; i++)
            resumed.Next("Skip");

        // Claude Code 2.1.33x: `claude --resume X` keeps the id X, and its SessionStart names no model.
        var again = Assert.Single(await Store.SaveAsync([resumed.Next("SessionStart", source: "resume"), resumed.Next("UserPromptSubmit")], Cancel));

        Assert.Null(again.State.ParentSessionId);
        Assert.Equal(("claude-opus-4-5-20251101", "resume", SessionStatus.Active), (again.State.Model, again.State.Source, again.State.Status));
        Assert.Equal(again.State with { Version = 0, Checksum = "" }, (await Store.DeriveAsync(resumed.SessionId, Cancel))! with { Version = 0, Checksum = "" });
    }

    [Fact]
    public async Task When_no_SessionStart_names_the_model_Should_take_the_one_the_transcript_names()
    {
        var print = new SessionEvents(SessionEvents.NewId());
        await Store.SaveAsync([print.Next("SessionStart", source: "startup"), print.Next("UserPromptSubmit")], Cancel); // claude -p: no model
        var named = new SessionEvents(SessionEvents.NewId());
        await Store.SaveAsync([named.Next("SessionStart", source: "startup", model: "claude-opus-4-5-20251101")], Cancel);

        var noted = await Store.NoteTranscriptModelAsync(print.SessionId, "claude-sonnet-4-5-20250929", Cancel);
        var untouched = await Store.NoteTranscriptModelAsync(named.SessionId, "claude-haiku-4-5-20251001", Cancel);
        var later = Assert.Single(await Store.SaveAsync([print.Next("Stop")], Cancel));

        Assert.Equal("claude-sonnet-4-5-20250929", noted?.Model);
        Assert.Null(untouched);
        Assert.Equal("claude-opus-4-5-20251101", (await Store.GetAsync(named.SessionId, Cancel))!.Model);
        Assert.Equal("claude-sonnet-4-5-20250929", later.State.Model);
        Assert.True(SessionDerivation.IsIntact((await Store.GetAsync(print.SessionId, Cancel))!));
    }

    [Fact]
    public async Task When_the_transcript_gives_titles_Should_show_the_name_the_user_gave_else_the_latest_summary_whatever_order_they_come_in()
    {
        var live = new SessionEvents(SessionEvents.NewId());
        await Store.SaveAsync([live.Next("SessionStart", source: "startup"), live.Next("UserPromptSubmit")], Cancel);
        var early = new SessionEvents(SessionEvents.NewId()); // its transcript's lines reach the saver before its hooks

        var summarized = await Store.NoteTranscriptTitlesAsync(live.SessionId, [new TranscriptTitle(TranscriptTitle.Summary, "Fix the flaky build", 900)], Cancel);
        var older = await Store.NoteTranscriptTitlesAsync(live.SessionId, [new TranscriptTitle(TranscriptTitle.Summary, "An older summary", 100)], Cancel);
        var named = await Store.NoteTranscriptTitlesAsync(live.SessionId, [new TranscriptTitle(TranscriptTitle.Custom, "release prep", 50)], Cancel);
        var newerSummary = await Store.NoteTranscriptTitlesAsync(live.SessionId, [new TranscriptTitle(TranscriptTitle.Summary, "Release notes", 2_000)], Cancel);
        Assert.Null(await Store.NoteTranscriptTitlesAsync(early.SessionId, [new TranscriptTitle(TranscriptTitle.Summary, "Early words", 10)], Cancel));
        var saved = Assert.Single(await Store.SaveAsync([early.Next("SessionStart", source: "startup")], Cancel));
        var later = Assert.Single(await Store.SaveAsync([live.Next("Stop")], Cancel));

        Assert.Equal("Fix the flaky build", summarized?.Title);
        Assert.Null(older); // an earlier line changes nothing
        Assert.Equal("release prep", named?.Title);
        Assert.Null(newerSummary); // the name the user gave still shows
        Assert.Equal("Early words", saved.State.Title);
        Assert.Equal("release prep", later.State.Title);
        var stored = (await Store.GetAsync(live.SessionId, Cancel))!;
        Assert.Equal("release prep", stored.Title);
        Assert.True(SessionDerivation.IsIntact(stored));
        Assert.Equal(stored with { Version = 0, Checksum = "" }, (await Store.DeriveAsync(live.SessionId, Cancel))! with { Version = 0, Checksum = "" });
    }

    /// <summary>As Claude Code 2.1.332's <c>--resume</c> picker shows a session: the name the user gave, else the title the model gave, else a summary.</summary>
    [Fact]
    public async Task When_the_transcript_gives_the_models_title_Should_show_it_over_a_summary_and_under_the_users_name()
    {
        var live = new SessionEvents(SessionEvents.NewId());
        await Store.SaveAsync([live.Next("SessionStart", source: "startup"), live.Next("UserPromptSubmit")], Cancel);

        var summarized = await Store.NoteTranscriptTitlesAsync(live.SessionId, [new TranscriptTitle(TranscriptTitle.Summary, "Fix the flaky build", 900)], Cancel);
        var titled = await Store.NoteTranscriptTitlesAsync(live.SessionId, [new TranscriptTitle(TranscriptTitle.Ai, "Flaky CI build on Mondays", 300)], Cancel);
        var newerSummary = await Store.NoteTranscriptTitlesAsync(live.SessionId, [new TranscriptTitle(TranscriptTitle.Summary, "Release notes", 2_000)], Cancel);
        var named = await Store.NoteTranscriptTitlesAsync(live.SessionId, [new TranscriptTitle(TranscriptTitle.Custom, "release prep", 50)], Cancel);

        Assert.Equal("Fix the flaky build", summarized?.Title);
        Assert.Equal("Flaky CI build on Mondays", titled?.Title);
        Assert.Null(newerSummary); // the model's title still shows
        Assert.Equal("release prep", named?.Title);
        var stored = (await Store.GetAsync(live.SessionId, Cancel))!;
        Assert.Equal(stored with { Version = 0, Checksum = "" }, (await Store.DeriveAsync(live.SessionId, Cancel))! with { Version = 0, Checksum = "" });
    }

    [Fact]
    public async Task When_the_transcript_gives_no_title_Should_show_the_first_line_of_the_first_prompt_until_it_does()
    {
        var session = new SessionEvents(SessionEvents.NewId());
        var first = session.Next("UserPromptSubmit", extraJson: ""","prompt":"\n  fix the flaky build in CI\nit fails on Mondays" """);
        var second = session.Next("UserPromptSubmit", extraJson: ""","prompt":"and the docs" """);

        var saved = Assert.Single(await Store.SaveAsync([session.Next("SessionStart", source: "startup"), second], Cancel));
        var earlier = Assert.Single(await Store.SaveAsync([first], Cancel)); // the first prompt arrives late
        var named = await Store.NoteTranscriptTitlesAsync(session.SessionId, [new TranscriptTitle(TranscriptTitle.Custom, "ci fixes", 10)], Cancel);

        Assert.Equal("and the docs", saved.State.Title);
        Assert.Equal("fix the flaky build in CI", earlier.State.Title);
        Assert.Equal("ci fixes", named?.Title);
        Assert.True(SessionDerivation.IsIntact((await Store.GetAsync(session.SessionId, Cancel))!));
    }

    [Fact]
    public async Task When_a_session_is_cleared_or_resumed_into_a_new_id_Should_link_it_to_the_one_before()
    {
        var project = "/work/" + Guid.NewGuid().ToString("N")[..8];
        var first = new SessionEvents(SessionEvents.NewId(), project);
        await Store.SaveAsync([first.Next("SessionStart", source: "startup"), first.Next("SessionEnd", reason: "clear")], Cancel);
        var second = new SessionEvents(SessionEvents.NewId(), project);
        for (var i = 0; i < 3; i++)
            second.Next("Skip"); // later in time than the first session

        var linked = Assert.Single(await Store.SaveAsync([second.Next("SessionStart", source: "clear")], Cancel));

        Assert.Equal(first.SessionId, linked.State.ParentSessionId);
    }

    [Fact]
    public async Task When_a_forks_lines_name_the_session_it_came_from_Should_link_it_to_that_one_and_keep_it_linked()
    {
        var project = "/work/" + Guid.NewGuid().ToString("N")[..8];
        var (origin, latest) = (new SessionEvents(SessionEvents.NewId(), project), new SessionEvents(SessionEvents.NewId(), project));
        await Store.SaveAsync([origin.Next("SessionStart", source: "startup"), origin.Next("SessionEnd", reason: "other")], Cancel);
        for (var i = 0; i < 3; i++)
            latest.Next("Skip");
        await Store.SaveAsync([latest.Next("SessionStart", source: "startup"), latest.Next("SessionEnd", reason: "other")], Cancel);
        var fork = new SessionEvents(SessionEvents.NewId(), project);
        for (var i = 0; i < 6; i++)
            fork.Next("Skip"); // after both
        var started = Assert.Single(await Store.SaveAsync([fork.Next("SessionStart", source: "fork")], Cancel));

        await Store.NoteTranscriptFactsAsync([new TranscriptFacts(fork.SessionId, [], null, ForkedFrom: origin.SessionId)], Cancel);
        var ended = Assert.Single(await Store.SaveAsync([fork.Next("Stop"), fork.Next("SessionEnd", reason: "other")], Cancel));
        // A session that did not begin as a fork keeps its lineage whatever its lines name (a branch made of a fork's lines).
        await Store.NoteTranscriptFactsAsync([new TranscriptFacts(latest.SessionId, [], null, ForkedFrom: origin.SessionId)], Cancel);
        Assert.Null((await Store.GetAsync(latest.SessionId, Cancel))!.ParentSessionId);

        Assert.Equal(latest.SessionId, started.State.ParentSessionId); // the project's latest stands in until its lines say otherwise
        Assert.Equal(origin.SessionId, ended.State.ParentSessionId);
        Assert.True(SessionDerivation.IsIntact((await Store.GetAsync(fork.SessionId, Cancel))!));
    }

    [Fact]
    public async Task When_events_are_read_back_Should_return_the_raw_json_verbatim_in_capture_order()
    {
        var s = new SessionEvents(SessionEvents.NewId());
        var big = s.Next("UserPromptSubmit", extraJson: $",\"prompt\":\"{new string('é', 5_000)} \\\"quoted\\\"\"");
        var start = s.Next("SessionStart");
        await Store.SaveAsync([start with { ReceivedAt = big.ReceivedAt.AddSeconds(-1) }, big], Cancel);

        var stored = await Store.EventsAsync(s.SessionId, Cancel);

        Assert.Equal([start.EventId, big.EventId], stored.Select(e => e.EventId));
        Assert.Equal(big.RawJson, stored[1].RawJson);
    }

    [Fact]
    public async Task When_sessions_are_listed_Should_filter_by_project_status_and_time_most_recent_first_and_page()
    {
        var project = "/work/" + Guid.NewGuid().ToString("N")[..8];
        var sessions = Enumerable.Range(0, 3).Select(_ => new SessionEvents(SessionEvents.NewId(), project)).ToList();
        for (var i = 0; i < sessions.Count; i++)
        {
            for (var skip = 0; skip < i * 5; skip++)
                sessions[i].Next("Skip"); // each later than the one before
            await Store.SaveAsync([sessions[i].Next("SessionStart", source: "startup"), sessions[i].Next("UserPromptSubmit")], Cancel);
        }
        for (var skip = 0; skip < 20; skip++)
            sessions[0].Next("Skip"); // the first session ends last
        await Store.SaveAsync([sessions[0].Next("SessionEnd", reason: "other")], Cancel);
        var other = new SessionEvents(SessionEvents.NewId(), project + "-other");
        await Store.SaveAsync([other.Next("SessionStart", source: "startup")], Cancel);

        var all = await Store.ListAsync(new SessionQuery(project, null, null, null, 0, 10), Cancel);
        var active = await Store.ListAsync(new SessionQuery(project, SessionStatus.Active, null, null, 0, 10), Cancel);
        var page = await Store.ListAsync(new SessionQuery(project, null, null, null, 1, 1), Cancel);
        var since = await Store.ListAsync(new SessionQuery(project, null, all.Sessions[1].LastEventAt, null, 0, 10), Cancel);

        Assert.Equal(3, all.Total);
        Assert.Equal([sessions[0].SessionId, sessions[2].SessionId, sessions[1].SessionId], all.Sessions.Select(s => s.SessionId));
        Assert.Equal([sessions[2].SessionId, sessions[1].SessionId], active.Sessions.Select(s => s.SessionId));
        Assert.Equal((3L, sessions[2].SessionId), (page.Total, Assert.Single(page.Sessions).SessionId));
        Assert.Equal([sessions[0].SessionId, sessions[2].SessionId], since.Sessions.Select(s => s.SessionId));
    }

    [Fact]
    public async Task When_a_project_s_sessions_are_listed_Should_list_those_of_the_worktrees_Claude_Code_made_in_it_and_no_other_folder()
    {
        var project = "/work/" + Guid.NewGuid().ToString("N")[..8] + "/app.v2"; // a dot: a pattern would take it for any character
        string[] belong = [project, project + "/.claude/worktrees/fix-login", project + "/.claude/worktrees/a"];
        string[] others =
        [
            project + "/.claude/worktrees/fix-login/src", // a folder inside a worktree is a project of its own, as in Claude Code
            project + "/.claude/worktrees", project + "/.claude/worktrees/", project + "/.claude/worktrees0/x", project + "/.claude/worktreesx/y",
            project + "/src", project + "-other/.claude/worktrees/a", project[..^3] + "xv2/.claude/worktrees/a", "/elsewhere" + project + "/.claude/worktrees/a",
        ];
        var ids = new Dictionary<string, string>();
        var later = new Dictionary<string, int> { [belong[0]] = 5, [belong[1]] = 10 }; // the project's own session between its worktrees'
        foreach (var folder in belong.Concat(others))
        {
            var session = new SessionEvents(SessionEvents.NewId(), folder);
            ids[folder] = session.SessionId;
            for (var skip = 0; skip < later.GetValueOrDefault(folder); skip++)
                session.Next("Skip");
            await Store.SaveAsync([session.Next("SessionStart", source: "startup")], Cancel);
        }

        var listed = await Store.ListAsync(new SessionQuery(project, null, null, null, 0, 50), Cancel);
        var pages = new List<SessionState>();
        for (var skip = 0; skip < 4; skip++)
            pages.AddRange((await Store.ListAsync(new SessionQuery(project, null, null, null, skip, 1), Cancel)).Sessions);
        var worktree = await Store.ListAsync(new SessionQuery(belong[1], null, null, null, 0, 50), Cancel);
        var completed = await Store.ListAsync(new SessionQuery(project + "/", null, null, null, 0, 50), Cancel); // as a shell completes a folder

        Assert.Equal(belong.Select(f => ids[f]).Order(), listed.Sessions.Select(s => s.SessionId).Order());
        Assert.Equal(3, listed.Total);
        Assert.Equal([ids[belong[1]], ids[belong[0]], ids[belong[2]]], listed.Sessions.Select(s => s.SessionId)); // latest first
        Assert.Equal(listed.Sessions.Select(s => s.SessionId), pages.Select(s => s.SessionId)); // page by page, the same order
        Assert.Equal(listed.Sessions.Select(s => s.SessionId), completed.Sessions.Select(s => s.SessionId));
        Assert.Equal(ids[belong[1]], Assert.Single(worktree.Sessions).SessionId); // a worktree asked for alone is just that folder
    }

    [Fact]
    public async Task When_sessions_are_listed_by_the_beginning_of_their_id_Should_list_only_those_it_begins()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        string[] ids = [$"{run}-a1", $"{run}-a2", $"{run}-b1", $"x{run}-a1"];
        foreach (var id in ids)
            await Store.SaveAsync([new SessionEvents(id, "/work/" + run).Next("SessionStart", source: "startup")], Cancel);

        var a = await Store.ListAsync(new SessionQuery(null, null, null, null, 0, 10, IdPrefix: $"{run}-a"), Cancel);
        var dotted = await Store.ListAsync(new SessionQuery(null, null, null, null, 0, 10, IdPrefix: $"{run}.a"), Cancel);

        Assert.Equal(2L, a.Total);
        Assert.Equal([ids[0], ids[1]], a.Sessions.Select(s => s.SessionId).Order());
        Assert.Empty(dotted.Sessions); // '.' is a character like any other, not a pattern
    }

    [Fact]
    public async Task When_sessions_are_listed_by_branch_and_in_each_order_Should_keep_that_order_and_only_that_branch()
    {
        var project = "/work/" + Guid.NewGuid().ToString("N")[..8];
        // Started in this order; prompts 1, 3, 2; tool calls 2, 0, 1; the last on another branch.
        var (prompts, tools, branches) = (new[] { 1, 3, 2 }, new[] { 2, 0, 1 }, new[] { "main", "main", "feature/x" });
        var sessions = Enumerable.Range(0, 3).Select(_ => new SessionEvents(SessionEvents.NewId(), project)).ToList();
        for (var i = 0; i < sessions.Count; i++)
        {
            for (var skip = 0; skip < i * 5; skip++)
                sessions[i].Next("Skip");
            var events = new List<StoredEvent> { sessions[i].Next("SessionStart", source: "startup") };
            events.AddRange(Enumerable.Range(0, prompts[i]).Select(_ => sessions[i].Next("UserPromptSubmit")));
            events.AddRange(Enumerable.Range(0, tools[i]).Select(_ => sessions[i].Next("PreToolUse")));
            await Store.SaveAsync(events.Select(e => e with { GitBranch = branches[i] }).ToList(), Cancel);
        }
        for (var skip = 0; skip < 20; skip++)
            sessions[0].Next("Skip");
        await Store.SaveAsync([sessions[0].Next("Stop")], Cancel); // the first is the latest active
        string[] Ids(params int[] order) => order.Select(i => sessions[i].SessionId).ToArray();
        async Task<string[]> ListedAsync(SessionOrder order, string? branch = null) =>
            (await Store.ListAsync(new SessionQuery(project, null, null, null, 0, 10, GitBranch: branch, Order: order), Cancel)).Sessions.Select(s => s.SessionId).ToArray();

        Assert.Equal(Ids(0, 2, 1), await ListedAsync(SessionOrder.Recent));
        Assert.Equal(Ids(2, 1, 0), await ListedAsync(SessionOrder.Started));
        Assert.Equal(Ids(0, 1, 2), await ListedAsync(SessionOrder.Oldest));
        Assert.Equal(Ids(1, 2, 0), await ListedAsync(SessionOrder.Prompts));
        Assert.Equal(Ids(0, 2, 1), await ListedAsync(SessionOrder.Tools));
        Assert.Equal(Ids(1, 0), await ListedAsync(SessionOrder.Started, "main"));
        var other = await Store.ListAsync(new SessionQuery(project, null, null, null, 0, 10, GitBranch: "feature/x"), Cancel);
        Assert.Equal((1L, sessions[2].SessionId), (other.Total, Assert.Single(other.Sessions).SessionId));
    }

    [Fact]
    public async Task When_a_sessions_timeline_is_read_Should_page_its_events_of_the_named_hooks_in_capture_order()
    {
        var s = new SessionEvents(SessionEvents.NewId());
        var events = new List<StoredEvent> { s.Next("SessionStart", source: "startup") };
        for (var i = 0; i < 30; i++)
            events.Add(s.Next(i % 10 == 0 ? "Notification" : "PostToolUse"));
        events.Add(s.Next("SessionEnd", reason: "logout"));
        await Store.SaveAsync(events, Cancel);
        string[] timeline = ["SessionStart", "Notification", "SessionEnd"];
        var expected = events.Where(e => timeline.Contains(e.HookEventName)).Select(e => e.EventId).ToList();

        var first = await Store.EventsAsync(s.SessionId, timeline, 0, 3, Cancel);
        var rest = await Store.EventsAsync(s.SessionId, timeline, 3, 10, Cancel);
        var all = await Store.EventsAsync(s.SessionId, [], 30, 10, Cancel);

        Assert.Equal(5L, first.Total);
        Assert.Equal(expected[..3], first.Events.Select(e => e.EventId));
        Assert.Equal(expected[3..], rest.Events.Select(e => e.EventId));
        Assert.Equal((32L, 2), (all.Total, all.Events.Count));
        Assert.Equal(events[^1].RawJson, all.Events[^1].RawJson);
    }

    [Fact]
    public async Task When_an_imported_session_is_resumed_with_hooks_Should_keep_its_title_start_project_and_counts_and_add_the_new_ones()
    {
        // Imported from a transcript no hook saw: 3 prompts and 2 tool calls from 9:00 in /work/old, then resumed with our hooks.
        var (id, at) = (SessionEvents.NewId(), new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero));
        await Store.AdoptTranscriptsAsync([new TranscriptSummarized(id, at, at.AddMinutes(20), "/work/old", "claude-opus-4", 3, 2, 40,
            FirstPrompt: "design the cache\nwith eviction")], Cancel);
        var resumed = new SessionEvents(id);

        await Store.SaveAsync([resumed.Next("SessionStart", source: "resume"),
            resumed.Next("UserPromptSubmit", extraJson: ",\"prompt\":\"and now the tests\""), resumed.Next("PreToolUse"), resumed.Next("Stop")], Cancel);

        var state = (await Store.GetAsync(id, Cancel))!;
        Assert.Equal(("design the cache", at, "/work/old", 4L, 3L), (state.Title, state.StartedAt, state.ProjectDir, state.Prompts, state.ToolCalls));
        Assert.Equal(("resume", SessionStatus.Active), (state.Source, state.Status));
        Assert.True(state.LastEventAt > at.AddMinutes(20)); // the resume's events
        // Derived again from the raw events (recovery), the same.
        Assert.Equal((state.Title, state.StartedAt, state.Prompts, state.ToolCalls), await Store.DeriveAsync(id, Cancel) is { } derived
            ? (derived.Title, derived.StartedAt, derived.Prompts, derived.ToolCalls) : default);
    }

    [Fact]
    public async Task When_a_live_sessions_transcript_is_imported_before_its_hooks_are_saved_Should_count_its_prompts_once()
    {
        // The hooks of a running session (from 9:00 on, SessionEvents' clock) reach the saver after an import of its transcript,
        // whose last line is later than the first hook: the same prompts, counted by the hooks alone.
        var (id, hooksFrom) = (SessionEvents.NewId(), new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
        await Store.AdoptTranscriptsAsync([new TranscriptSummarized(id, hooksFrom, hooksFrom.AddSeconds(2), "/work/shop", "claude-opus-4", 1, 1, 4,
            FirstPrompt: "rename the module")], Cancel);
        var live = new SessionEvents(id);

        await Store.SaveAsync([live.Next("SessionStart", source: "startup"), live.Next("UserPromptSubmit", extraJson: ",\"prompt\":\"rename the module\""),
            live.Next("PreToolUse")], Cancel);

        var state = (await Store.GetAsync(id, Cancel))!;
        Assert.Equal(("rename the module", 1L, 1L, "startup"), (state.Title, state.Prompts, state.ToolCalls, state.Source));
    }

    [Fact]
    public async Task When_sessions_continue_another_Should_list_them_as_its_children()
    {
        var parent = new SessionEvents(SessionEvents.NewId());
        await Store.SaveAsync([parent.Next("SessionStart", source: "startup")], Cancel);
        var (child, at) = (SessionEvents.NewId(), new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
        // A branch made by smctl: imported with its parent named.
        await Store.AdoptTranscriptsAsync([new TranscriptSummarized(child, at, at.AddMinutes(5), "/work/x", null, 1, 0, 2, ParentSessionId: parent.SessionId)], Cancel);

        var children = await Store.ListAsync(new SessionQuery(null, null, null, null, 0, 10, Parent: parent.SessionId), Cancel);

        Assert.Equal([child], children.Sessions.Select(s => s.SessionId));
    }

    [Fact]
    public async Task When_auto_save_runs_Should_snapshot_only_sessions_changed_since_their_last_snapshot()
    {
        var changing = new SessionEvents(SessionEvents.NewId());
        var still = new SessionEvents(SessionEvents.NewId());
        await Store.SaveAsync([changing.Next("SessionStart", source: "startup"), still.Next("SessionStart", source: "startup")], Cancel);
        var now = new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
        var ours = new[] { changing.SessionId, still.SessionId };

        var first = await Store.SnapshotAsync(ours, now, Cancel);
        var unchanged = await Store.SnapshotAsync(ours, now.AddSeconds(30), Cancel);
        await Store.SaveAsync([changing.Next("UserPromptSubmit")], Cancel);
        var afterChange = await Store.SnapshotAsync(ours, now.AddSeconds(60), Cancel);

        Assert.Equal((2, 0, 1), (first, unchanged, afterChange));
        var snapshot = (await Store.GetSnapshotAsync(changing.SessionId, Cancel))!;
        var state = (await Store.GetAsync(changing.SessionId, Cancel))!;
        Assert.Equal((state, state.Version, SessionState.CurrentSchemaVersion, now.AddSeconds(60)),
            (snapshot.State, snapshot.Version, snapshot.SchemaVersion, snapshot.TakenAt));
        Assert.Equal(now, (await Store.GetSnapshotAsync(still.SessionId, Cancel))!.TakenAt);
        Assert.Null(await Store.GetSnapshotAsync(SessionEvents.NewId(), Cancel));
    }

    private SessionManagement.Saver.Backups.SessionBackups Backups(int maxBackups) => new(BackupStore,
        Microsoft.Extensions.Options.Options.Create(new SessionManagement.Hosting.Options.PersistenceOptions { MaxBackups = maxBackups }),
        TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<SessionManagement.Saver.Backups.SessionBackups>.Instance, AtRest.Off);

    [Fact]
    public async Task When_backups_run_Should_back_up_changed_sessions_keep_max_backups_and_restore_one_exactly()
    {
        var backups = Backups(maxBackups: 2);
        var store = BackupStore;
        var s = new SessionEvents(SessionEvents.NewId());
        await Store.SaveAsync([s.Next("SessionStart", source: "startup"), s.Next("UserPromptSubmit", extraJson: ",\"prompt\":\"ünïcode \\\"quoted\\\"\"")], Cancel);
        var first = (await backups.BackUpChangedAsync(Guid.NewGuid(), Cancel)).OfType<SessionManagement.Contracts.Saver.BackupCompleted>()
            .Single(b => b.SessionId == s.SessionId);
        var asBackedUp = await store.ReadSessionAsync(s.SessionId, Cancel);
        var nothingChanged = (await backups.BackUpChangedAsync(Guid.NewGuid(), Cancel)).Count(o => o is SessionManagement.Contracts.Saver.BackupCompleted b && b.SessionId == s.SessionId);
        for (var i = 0; i < 2; i++)
        {
            await Store.SaveAsync([s.Next("PreToolUse")], Cancel);
            await backups.BackUpChangedAsync(Guid.NewGuid(), Cancel);
        }

        var kept = await store.ListAsync(s.SessionId, Cancel);
        var restored = await backups.RestoreAsync(kept[^1].BackupId, Cancel);
        var oldest = await backups.RestoreAsync(first.BackupId, Cancel);

        Assert.Equal(0, nothingChanged);
        Assert.Equal(2, kept.Count);
        Assert.DoesNotContain(kept, b => b.BackupId == first.BackupId);
        Assert.IsType<SessionManagement.Contracts.Saver.BackupRestoreFailed>(oldest);
        var done = Assert.IsType<SessionManagement.Contracts.Saver.BackupRestored>(restored);
        Assert.Equal(3L, done.EventCount);
        var now = (await store.ReadSessionAsync(s.SessionId, Cancel))!;
        Assert.Equal(kept[^1].Version, now.State.Version);
        Assert.Equal(3, now.Events.Count);
        Assert.Equal(asBackedUp!.Events.Select(e => e.RawJson), now.Events.Take(2).Select(e => e.RawJson));
        Assert.Equal(now.State, (await Store.GetAsync(s.SessionId, Cancel))!);
        Assert.True(SessionDerivation.IsIntact(now.State));
    }

    [Fact]
    public async Task When_an_imported_session_is_backed_up_and_restored_into_a_store_without_it_Should_stay_its_importers()
    {
        var at = new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
        var imported = SessionEvents.NewId();
        await Store.AdoptTranscriptsAsync([new TranscriptSummarized(imported, at, at.AddMinutes(5), "/work/p", null, 1, 0, 2, ImportedBy: "ben")], Cancel);
        var store = BackupStore;

        var backup = (await store.ReadSessionAsync(imported, Cancel))!;
        // The same backup restored where the store holds nothing of the session: here, under an id it has never seen.
        var elsewhere = SessionEvents.NewId();
        await store.RestoreAsync(backup with { State = backup.State with { SessionId = elsewhere } }, Cancel);

        Assert.Equal("ben", backup.ImportedBy);
        Assert.Equal("ben", await Store.OwnerAsync(elsewhere, Cancel));
    }

    [Fact]
    public async Task When_a_session_is_restored_Should_be_byte_identical_to_when_it_was_backed_up()
    {
        var backups = Backups(maxBackups: 5);
        var store = BackupStore;
        var s = new SessionEvents(SessionEvents.NewId());
        await Store.SaveAsync([s.Next("SessionStart", source: "startup"), s.Next("UserPromptSubmit", extraJson: $",\"prompt\":\"{new string('é', 3_000)}\"")], Cancel);
        var backup = (await backups.BackUpChangedAsync(Guid.NewGuid(), Cancel)).OfType<SessionManagement.Contracts.Saver.BackupCompleted>().Single(b => b.SessionId == s.SessionId);
        var before = (await store.ReadSessionAsync(s.SessionId, Cancel))!;
        await Store.SaveAsync([s.Next("PostToolUseFailure"), s.Next("SessionEnd", reason: "other")], Cancel);

        await backups.RestoreAsync(backup.BackupId, Cancel);

        var after = (await store.ReadSessionAsync(s.SessionId, Cancel))!;
        Assert.Equal(before.State, after.State);
        Assert.Equal(before.Events, after.Events);
        Assert.Equal(SessionManagement.Saver.Backups.BackupCodec.Encode(before, AtRest.Off).Checksum, SessionManagement.Saver.Backups.BackupCodec.Encode(after, AtRest.Off).Checksum);
    }

    [Fact]
    public async Task When_cleanup_runs_Should_archive_and_purge_only_sessions_ended_long_ago_keeping_their_last_backup()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero).AddDays(100));
        var persistence = Microsoft.Extensions.Options.Options.Create(new SessionManagement.Hosting.Options.PersistenceOptions());
        var backupStore = BackupStore;
        var backups = new SessionManagement.Saver.Backups.SessionBackups(backupStore, persistence, clock,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<SessionManagement.Saver.Backups.SessionBackups>.Instance, AtRest.Off);
        var cleanup = new SessionManagement.Saver.Cleanup.SessionCleanup((SessionManagement.Saver.Cleanup.IArchiveStore)Store, backupStore, backups,
            Microsoft.Extensions.Options.Options.Create(new SessionManagement.Hosting.Options.SessionStorageOptions { CleanupDays = 90, PurgeAfterArchive = true }),
            clock, Microsoft.Extensions.Logging.Abstractions.NullLogger<SessionManagement.Saver.Cleanup.SessionCleanup>.Instance);
        var old = new SessionEvents(SessionEvents.NewId());
        var active = new SessionEvents(SessionEvents.NewId());
        await Store.SaveAsync([old.Next("SessionStart", source: "startup"), old.Next("UserPromptSubmit"), old.Next("SessionEnd", reason: "other"),
            active.Next("SessionStart", source: "startup")], Cancel);

        var (first, events) = await cleanup.RunAsync(Guid.NewGuid(), Cancel);
        var (second, _) = await cleanup.RunAsync(Guid.NewGuid(), Cancel);

        Assert.True(first.SessionsArchived >= 1 && first.SessionsPurged >= 1);
        Assert.Contains(events, e => e is SessionManagement.Contracts.Saver.SessionPurged p && p.SessionId == old.SessionId);
        Assert.DoesNotContain(events, e => e is SessionManagement.Contracts.Saver.SessionPurged p && p.SessionId == active.SessionId);
        Assert.Null(await Store.GetAsync(old.SessionId, Cancel));
        Assert.Empty(await Store.EventsAsync(old.SessionId, Cancel));
        Assert.NotNull(await Store.GetAsync(active.SessionId, Cancel));
        Assert.Equal((0, 0), (second.SessionsArchived, second.SessionsPurged));
        var kept = Assert.Single(await backupStore.ListAsync(old.SessionId, Cancel));
        Assert.IsType<SessionManagement.Contracts.Saver.BackupRestored>(await backups.RestoreAsync(kept.BackupId, Cancel));
        Assert.Equal(3L, (await Store.GetAsync(old.SessionId, Cancel))!.EventCount);
    }

    [Fact]
    public async Task When_a_session_is_deleted_Should_hold_nothing_of_it_but_keep_the_others_and_say_when_nothing_is_held()
    {
        var project = "/work/erase-" + Guid.NewGuid().ToString("N")[..8];
        var (gone, kept) = (new SessionEvents(SessionEvents.NewId(), project), new SessionEvents(SessionEvents.NewId(), project));
        var imported = SessionEvents.NewId();
        var at = DateTimeOffset.Parse("2026-11-20T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var s in new[] { gone, kept })
            await Store.SaveAsync([s.Next("SessionStart", source: "startup", model: "claude-opus-4"), s.Next("UserPromptSubmit")], Cancel);
        foreach (var session in new[] { gone.SessionId, imported })
            await Store.AdoptTranscriptsAsync([new TranscriptSummarized(session, at, at.AddMinutes(5), project, "its first prompt", 1, 0, 2, ImportedBy: "ben")], Cancel);
        await Store.ChooseAsync(project, gone.SessionId, at, Cancel);
        var archive = (SessionManagement.Saver.Cleanup.IArchiveStore)Store;

        var erased = await archive.EraseAsync(gone.SessionId, Cancel);
        var importedErased = await archive.EraseAsync(imported, Cancel);
        var again = await archive.EraseAsync(gone.SessionId, Cancel);

        Assert.Equal((2L, 0L, -1L), (erased, importedErased, again));
        foreach (var session in new[] { gone.SessionId, imported })
        {
            Assert.Null(await Store.GetAsync(session, Cancel));
            Assert.Empty(await Store.EventsAsync(session, Cancel));
            Assert.Null(await Store.OwnerAsync(session, Cancel));
        }
        Assert.Null(await Store.ChosenAsync(project, Cancel));
        Assert.Equal([kept.SessionId], (await Store.ListAsync(new SessionQuery(project, null, null, null, 0, 10), Cancel)).Sessions.Select(s => s.SessionId));
        Assert.Equal(2L, (await Store.GetAsync(kept.SessionId, Cancel))!.EventCount);
    }

    [Fact]
    public async Task When_events_carry_git_branches_Should_keep_the_latest_one_in_the_session()
    {
        var s = new SessionEvents(SessionEvents.NewId());
        var start = s.Next("SessionStart", source: "startup") with { GitBranch = "main" };
        var later = s.Next("UserPromptSubmit") with { GitBranch = "feature/x" };
        var none = s.Next("Notification");

        await Store.SaveAsync([none, later, start], Cancel);

        var state = (await Store.GetAsync(s.SessionId, Cancel))!;
        Assert.Equal(("feature/x", SessionState.CurrentSchemaVersion), (state.GitBranch, state.SchemaVersion));
        Assert.True(SessionDerivation.IsIntact(state));
        Assert.Equal("main", (await Store.EventsAsync(s.SessionId, Cancel))[0].GitBranch);
    }
}
