using System.Diagnostics;
using MassTransit;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using SessionManagement.Contracts.Chat;
using SessionManagement.Contracts.Saver;
using SessionManagement.Contracts.Status;
using SessionManagement.Gateway.Errors;
using SessionManagement.Gateway.Journal;
using SessionManagement.Gateway.Routes;
using SessionManagement.Gateway.Spool;
using SessionManagement.Gateway.Transcripts;
using SessionManagement.Gateway.Web.Pages;
using SessionManagement.Gateway.Web.Rendering;
using SessionManagement.Hosting.Instances;
using SessionManagement.Hosting.Options;
using SessionManagement.Hosting.Pricing;
using SessionManagement.Hosting.Security;

namespace SessionManagement.Gateway.Web;

/// <summary>
/// The web view's pages. Each asks the modules that own the data over the bus, as the API does, with the same filters and the
/// same limits on what a caller sees, and renders the answer on the server.
/// </summary>
internal static class WebPages
{
    /// <summary>Messages on a session's page: enough to read on, few enough that a session of 10,000 opens at once.</summary>
    public const int MessagesPerPage = 25;

    private const int SessionsPerPage = 50;

    private static readonly TimeSpan BranchSettles = TimeSpan.FromSeconds(10), SettleStep = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// The hooks a session's timeline shows beside its conversation (prompts and tool calls are in the conversation itself): what
    /// happened to the session around it, each with its line (the saver's <c>EventDetail</c>). Not the
    /// frequent ones that say little there (files watched, messages displayed, tool batches, slash commands already shown as typed).
    /// </summary>
    private static readonly string[] TimelineEvents =
    [
        "Setup", "SessionStart", "SessionEnd", "Notification", "PermissionRequest", "PermissionDenied", "PreCompact", "PostCompact", "PostToolUseFailure",
        "StopFailure", "SubagentStart", "SubagentStop", "InstructionsLoaded", "ConfigChange", "CwdChanged", "DirectoryAdded", "PostModelSwitch",
        "PreSkillShellCommand", "TaskCreated", "TaskCompleted", "TeammateIdle", "WorktreeRemove",
    ];

    public static async Task<IResult> SessionsAsync(HttpContext http, ReadApiClient client, TimeProvider time, string? project, string? branch,
        string? status, string? period, string? q, string? sort, int? skip, string? fragment, CancellationToken cancellationToken)
    {
        var filters = new SessionFilters(Empty(project), Empty(branch), Empty(status), Empty(period), Empty(q), Empty(sort), Math.Max(0, skip ?? 0), SessionsPerPage);
        var since = SessionFilters.Periods.FirstOrDefault(p => p.Value == filters.Period) is { Value: not null } chosen ? time.GetUtcNow() - chosen.Span : (DateTimeOffset?)null;
        var request = ReadApiRoutes.ListRequest(http, filters.Project, filters.Status, filters.Branch, since?.ToString("O"), null, filters.Sort,
            filters.Skip, filters.Limit, out var problem);
        long total = 0;
        IReadOnlyList<SessionSummary> sessions = [];
        if (request is not null)
        {
            try
            {
                (total, sessions) = filters.Text is { } text
                    ? await MatchingAsync(client, request, text, await ReadApiRoutes.SearchedSessionsAsync(client, Caller.Of(http), cancellationToken), cancellationToken)
                    : await client.AskAsync<ListSessions, SessionsListed>(request, cancellationToken) is var listed ? (listed.Total, listed.Sessions) : default;
            }
            catch (RequestTimeoutException)
            {
                problem = "No saver module answered in time: is one running?";
            }
            catch (SearchUnavailable unavailable)
            {
                problem = unavailable.Message;
            }
        }
        var rows = await RowsAsync(client, sessions, cancellationToken);
        if (fragment == "rows")
            return new PageResult<SessionRows>(new { Rows = rows });
        return new PageResult<SessionsPage>(new { Viewer = WebViewer.Of(http), Filters = filters, Total = total, Rows = rows, Problem = problem })
        {
            StatusCode = request is null ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK,
        };
    }

    /// <summary>The sessions whose conversation holds the words (chat's search), filtered as the list is, best match first.</summary>
    /// <param name="searched">The sessions to look in (a reader's own), or null for every one.</param>
    private static async Task<(long, IReadOnlyList<SessionSummary>)> MatchingAsync(ReadApiClient client, ListSessions request, string text,
        IReadOnlyList<string>? searched, CancellationToken cancellationToken)
    {
        var response = await client.AskAsync<SearchMessages, MessagesFound, SearchRejected>(
            new SearchMessages(text, null, request.ProjectDir, null, request.Since, null, 200, searched), cancellationToken);
        if (!response.Is(out Response<MessagesFound>? found))
        {
            response.Is(out Response<SearchRejected>? rejected);
            throw new SearchUnavailable(rejected!.Message.Reason);
        }
        var matching = new List<SessionSummary>();
        foreach (var id in found.Message.Hits.Select(h => h.SessionId).Distinct(StringComparer.Ordinal))
        {
            var answer = await client.AskAsync<GetSession, SessionFound, SessionNotFound>(new GetSession(id), cancellationToken);
            if (answer.Is(out Response<SessionFound>? session) && Keeps(request, session.Message.Session))
                matching.Add(session.Message.Session);
        }
        return (matching.Count, matching.Skip(request.Skip).Take(request.Limit).ToList());
    }

    private static bool Keeps(ListSessions request, SessionSummary session) =>
        (request.Status is null || string.Equals(session.Status, request.Status, StringComparison.OrdinalIgnoreCase))
        && (request.GitBranch is null || session.GitBranch == request.GitBranch);

    /// <summary>Each session with its tokens and cost from the status module, asked all at once; one it does not know, or fails on, shows none.</summary>
    private static async Task<IReadOnlyList<SessionRow>> RowsAsync(ReadApiClient client, IReadOnlyList<SessionSummary> sessions, CancellationToken cancellationToken)
    {
        var statuses = await Task.WhenAll(sessions.Select(async s =>
        {
            try
            {
                var answer = await client.AskAsync<GetSessionStatus, SessionStatusFound, SessionStatusUnknown>(new GetSessionStatus(s.SessionId), cancellationToken);
                return answer.Is(out Response<SessionStatusFound>? found) ? found.Message : null;
            }
            catch (Exception error) when (ReadApiClient.Unanswered(error))
            {
                return null;
            }
        }));
        return sessions.Select((s, i) => new SessionRow(s, statuses[i])).ToList();
    }

    public static async Task<IResult> SessionAsync(HttpContext http, ReadApiClient client, PriceTable prices, string sessionId, long? skip, string? key, long? focus,
        string? fragment, CancellationToken cancellationToken)
    {
        var viewer = WebViewer.Of(http);
        try
        {
            if (!await OwnedSessionFilter.MaySeeAsync(http, client, sessionId, cancellationToken))
                return NotFound(viewer, sessionId);
            var found = await client.AskAsync<GetSession, SessionFound, SessionNotFound>(new GetSession(sessionId), cancellationToken);
            if (!found.Is(out Response<SessionFound>? session))
                return NotFound(viewer, sessionId);
            // A search hit names its message: the page that holds it, scrolled to it by its anchor (no script needed).
            if (key is not null && await IndexOfAsync(client, sessionId, key, cancellationToken) is { } index)
                return Results.Redirect($"/sessions/{Uri.EscapeDataString(sessionId)}?skip={index / MessagesPerPage * MessagesPerPage}&focus={index}#m-{index}");
            var first = Math.Max(0, skip ?? 0);
            var anchor = focus is { } shown ? "m-" + shown.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
            // The message before the page comes too: a turn whose first line it is was counted on the page before.
            var before = first > 0 ? 1 : 0;
            var page = await client.AskAsync<GetMessages, MessagesPage>(
                new GetMessages(sessionId, (int)Math.Min(first - before, int.MaxValue), MessagesPerPage + before, IncludeRecords: false, IncludeRaw: true), cancellationToken);
            var previous = before == 1 && page.Messages.Count > 0 ? page.Messages[0] : null;
            var messages = previous is null ? page.Messages : page.Messages.Skip(1).ToList();
            var entries = ConversationReader.Read(messages, first, prices, previous);
            if (fragment == "messages")
            {
                // Where the next fetch starts: the script cannot tell from the page, where outputs fold into their calls.
                http.Response.Headers["X-SM-Next"] = (first + messages.Count).ToString(System.Globalization.CultureInfo.InvariantCulture);
                http.Response.Headers["X-SM-Total"] = page.Total.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return new PageResult<MessageList>(new { Entries = entries, SessionId = sessionId, Focus = anchor });
            }
            var status = client.AskAsync<GetSessionStatus, SessionStatusFound, SessionStatusUnknown>(new GetSessionStatus(sessionId), cancellationToken);
            var timeline = client.AskAsync<GetSessionEvents, SessionEventsListed>(new GetSessionEvents(sessionId, 0, 500, TimelineEvents), cancellationToken);
            var children = client.AskAsync<ListSessions, SessionsListed>(
                new ListSessions(null, null, null, null, 0, 50, User: Caller.Of(http) is { SeesOnlyTheirOwn: true } reader ? reader.Name : null,
                    Sort: "oldest", ParentSessionId: sessionId), cancellationToken);
            var kept = await client.AskAsync<ListToolResults, ToolResultsHeld>(new ListToolResults(sessionId), cancellationToken);
            var tasks = (await ToolResultRoutes.KeptTasksAsync(client, sessionId, kept, cancellationToken)).Select(TaskView.Of).ToList();
            return new PageResult<SessionPage>(new
            {
                View = new SessionView(viewer, session.Message.Session, (await status).Is(out Response<SessionStatusFound>? live) ? live.Message : null,
                    entries, first, MessagesPerPage, messages.Count, page.Total, anchor, (await timeline).Events, (await children).Sessions)
                {
                    Tasks = tasks,
                    FileCheckpoints = kept.Files.Count(f => f.Name.StartsWith(SessionManagement.Contracts.Gateway.TranscriptFiles.FileBackupPrefix, StringComparison.Ordinal)),
                },
            });
        }
        catch (RequestTimeoutException)
        {
            return Problem(viewer, StatusCodes.Status504GatewayTimeout, "No answer", "The saver, chat or status module did not answer in time: is each running?");
        }
    }

    /// <summary>A tool's whole input or output, as text: what a page cuts (<see cref="ConversationReader.Shown"/>) is read here.</summary>
    public static async Task<IResult> ToolTextAsync(HttpContext http, ReadApiClient client, string sessionId, long? at, string? id, string? part,
        CancellationToken cancellationToken)
    {
        var viewer = WebViewer.Of(http);
        if (at is not ({ } index and >= 0 and <= int.MaxValue) || string.IsNullOrEmpty(id) || part is not ("input" or "output"))
            return Problem(viewer, StatusCodes.Status400BadRequest, "Which tool call?", "at (the message's place), id (the tool call's id) and part (input or output) are required.");
        try
        {
            if (!await OwnedSessionFilter.MaySeeAsync(http, client, sessionId, cancellationToken))
                return NotFound(viewer, sessionId);
            var page = await client.AskAsync<GetMessages, MessagesPage>(new GetMessages(sessionId, (int)index, 1, false, true), cancellationToken);
            var blocks = page.Messages.Count == 0 ? [] : ConversationReader.Blocks(page.Messages[0], index, whole: true);
            var text = part == "input"
                ? blocks.OfType<ToolBlock>().FirstOrDefault(b => b.Id == id)?.Input
                : blocks.OfType<ToolResultBlock>().FirstOrDefault(b => b.ToolUseId == id)?.Output.Text;
            return text is null
                ? Problem(viewer, StatusCodes.Status404NotFound, "No such tool call", $"Message {index} of session {sessionId} has no tool {part} for {id}.")
                : Results.Text(text, "text/plain; charset=utf-8");
        }
        catch (RequestTimeoutException)
        {
            return Problem(viewer, StatusCodes.Status504GatewayTimeout, "No answer", "The chat module did not answer in time: is one running?");
        }
    }

    /// <summary>
    /// A tool's whole output as Claude Code kept it in a file (<c>&lt;session&gt;/tool-results/&lt;name&gt;</c>), its transcript line holding
    /// only the first 2 KB: text as text, anything else as a download.
    /// </summary>
    public static async Task<IResult> ToolResultFileAsync(HttpContext http, ReadApiClient client, string sessionId, string name, CancellationToken cancellationToken)
    {
        var viewer = WebViewer.Of(http);
        if (!SessionManagement.Contracts.Gateway.TranscriptFiles.IsToolResultName(name))
            return Problem(viewer, StatusCodes.Status400BadRequest, "Which output?", $"'{name}' is not the name of a file Claude Code keeps a tool's output in.");
        try
        {
            if (!await OwnedSessionFilter.MaySeeAsync(http, client, sessionId, cancellationToken))
                return NotFound(viewer, sessionId);
            if (await ToolResultRoutes.KeptAsync(client, sessionId, name, cancellationToken) is not { } bytes)
                return Problem(viewer, StatusCodes.Status404NotFound, "Not kept",
                    $"Session {sessionId} has no tool output {name} kept: its file was gone from Claude Code's folder before it was taken in.");
            await AuditTrail.RecordAsync(http, "export", sessionId, $"tool output {name}");
            return ToolResultRoutes.IsText(name) ? Results.Bytes(bytes, ToolResultRoutes.TextType) : Results.File(bytes, "application/octet-stream", name);
        }
        catch (RequestTimeoutException)
        {
            return Problem(viewer, StatusCodes.Status504GatewayTimeout, "No answer", "The chat module did not answer in time: is one running?");
        }
    }

    /// <summary>"Branch here": the branch made as <c>POST /api/sessions/{id}/branch</c> makes it, then its page.</summary>
    public static async Task<IResult> BranchAsync(HttpContext http, ReadApiClient client, TranscriptImporter importer, string sessionId,
        CancellationToken cancellationToken)
    {
        var viewer = WebViewer.Of(http);
        var form = await http.Request.ReadFormAsync(cancellationToken);
        try
        {
            if (!await OwnedSessionFilter.MaySeeAsync(http, client, sessionId, cancellationToken))
                return NotFound(viewer, sessionId);
            var branch = await SessionBranch.CreateAsync(http, client, importer, sessionId, form["at"].ToString(), cancellationToken);
            // The saver makes the branch a session once chat has summed up its transcript, just after: its page is shown once it is one,
            // or once BranchSettles has passed by the clock (each look may itself take a while on a busy host).
            var settling = Stopwatch.GetTimestamp();
            while (Stopwatch.GetElapsedTime(settling) < BranchSettles && !await ReadApiRoutes.SessionExistsAsync(client, branch.SessionId, cancellationToken))
                await Task.Delay(SettleStep, cancellationToken);
            return Results.Redirect($"/sessions/{Uri.EscapeDataString(branch.SessionId)}");
        }
        catch (BranchRefusedException refused)
        {
            return Problem(viewer, refused.Status, "No branch made", refused.Message);
        }
        catch (RequestTimeoutException)
        {
            return Problem(viewer, StatusCodes.Status504GatewayTimeout, "No answer", "The chat module did not answer in time: is one running?");
        }
    }

    /// <summary>
    /// Deletes the session for good (<see cref="SessionDeletion"/>) once the form's box says so, then shows the session list. The box is
    /// the confirmation: a click on the button alone deletes nothing.
    /// </summary>
    public static async Task<IResult> DeleteAsync(HttpContext http, ReadApiClient client, string sessionId, CancellationToken cancellationToken)
    {
        var viewer = WebViewer.Of(http);
        var form = await http.Request.ReadFormAsync(cancellationToken);
        if (form["confirm"].ToString() != "yes")
            return Problem(viewer, StatusCodes.Status400BadRequest, "Not deleted", "Tick the box that says the session and its backups go for good, then delete.");
        try
        {
            return await SessionDeletion.DeleteAsync(http, client, sessionId, cancellationToken) is null
                ? NotFound(viewer, sessionId)
                : Results.Redirect("/");
        }
        catch (RequestTimeoutException)
        {
            return Problem(viewer, StatusCodes.Status504GatewayTimeout, "No answer", "The saver did not answer in time: is one running? Nothing was deleted yet; try again.");
        }
    }

    /// <summary>Where a message is in its session (a search hit's key), reading the conversation without its raw lines.</summary>
    private static async Task<long?> IndexOfAsync(ReadApiClient client, string sessionId, string key, CancellationToken cancellationToken)
    {
        const int Chunk = 1_000;
        for (var skip = 0; ; skip += Chunk)
        {
            var page = await client.AskAsync<GetMessages, MessagesPage>(new GetMessages(sessionId, skip, Chunk, false, false), cancellationToken);
            for (var i = 0; i < page.Messages.Count; i++)
            {
                if (page.Messages[i].Key == key)
                    return skip + i;
            }
            if (page.Messages.Count < Chunk)
                return null;
        }
    }

    public static async Task<IResult> SearchAsync(HttpContext http, ReadApiClient client, string? q, string? project, string? role, string? since,
        CancellationToken cancellationToken)
    {
        var viewer = WebViewer.Of(http);
        (q, project, role, since) = (Empty(q), Empty(project), Empty(role), Empty(since));
        if (q is null)
            return new PageResult<SearchPage>(new { Viewer = viewer });
        string? problem = null;
        MessagesFound? found = null;
        var titles = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!ReadApiRoutes.TryTime(since, "since", out var from, out problem))
            return new PageResult<SearchPage>(new { Viewer = viewer, Query = q, Project = project, Role = role, Since = since, Problem = problem })
                { StatusCode = StatusCodes.Status400BadRequest };
        try
        {
            var response = await client.AskAsync<SearchMessages, MessagesFound, SearchRejected>(new SearchMessages(q, null, project, role, from, null, 50,
                await ReadApiRoutes.SearchedSessionsAsync(client, Caller.Of(http), cancellationToken)), cancellationToken);
            if (response.Is(out Response<MessagesFound>? hits))
            {
                found = hits.Message;
                foreach (var id in found.Hits.Select(h => h.SessionId).Distinct(StringComparer.Ordinal))
                {
                    var session = await client.AskAsync<GetSession, SessionFound, SessionNotFound>(new GetSession(id), cancellationToken);
                    if (session.Is(out Response<SessionFound>? kept) && kept.Message.Session.Title is { Length: > 0 } title)
                        titles[id] = title;
                }
            }
            else if (response.Is(out Response<SearchRejected>? rejected))
                problem = rejected.Message.Reason;
        }
        catch (RequestTimeoutException)
        {
            problem = "No chat module answered in time: is one running?";
        }
        return new PageResult<SearchPage>(new { Viewer = viewer, Query = q, Project = project, Role = role, Since = since, Found = found, Titles = titles, Problem = problem });
    }

    public static async Task<IResult> ReportsAsync(HttpContext http, ReadApiClient client, TimeProvider time, int? days, CancellationToken cancellationToken)
    {
        var span = days is 7 or 30 or 90 ? days.Value : 30;
        var now = time.GetUtcNow();
        var from = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddDays(1 - span);
        var to = now.AddMinutes(1);
        try
        {
            var daily = client.AskAsync<GetReport, ReportReady>(new GetReport("usage", "day", "period", from, to), cancellationToken);
            var projects = client.AskAsync<GetReport, ReportReady>(new GetReport("usage", "day", "project", from, to), cancellationToken);
            var models = client.AskAsync<GetReport, ReportReady>(new GetReport("usage", "day", "model", from, to), cancellationToken);
            var performance = client.AskAsync<GetReport, ReportReady>(new GetReport("performance", "day", "period", from, to), cancellationToken);
            return new PageResult<ReportsPage>(new
            {
                Viewer = WebViewer.Of(http),
                Days = span,
                Daily = EveryDay((await daily).Rows, from, span),
                ByProject = (await projects).Rows,
                ByModel = (await models).Rows,
                Performance = (await performance).Rows,
            });
        }
        catch (RequestTimeoutException)
        {
            return new PageResult<ReportsPage>(new { Viewer = WebViewer.Of(http), Days = span, Problem = "No status module answered in time: is one running?" });
        }
    }

    /// <summary>One row per day of the period, days without activity at zero, so the chart's bars stand for days.</summary>
    private static IReadOnlyList<ReportRow> EveryDay(IReadOnlyList<ReportRow> rows, DateTimeOffset from, int days)
    {
        var byDay = rows.ToDictionary(r => r.Group[..Math.Min(10, r.Group.Length)], StringComparer.Ordinal);
        return Enumerable.Range(0, days).Select(d => from.AddDays(d).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))
            .Select(day => byDay.TryGetValue(day, out var row) ? row with { Group = day } : new ReportRow(day, new Dictionary<string, double>()))
            .ToList();
    }

    public static async Task<IResult> HealthAsync(HttpContext http, HealthCheckService health, IHostInstanceStore instances, GatewaySpool spool,
        IDeliveryJournal journal, ErrorQueues queues, ReadApiClient client, IOptions<PersistenceOptions> persistence, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var backups = BackupsAsync(client, now, TimeSpan.FromSeconds(persistence.Value.BackupFrequency), cancellationToken);
        var runs = BackupRunsAsync(client, now, TimeSpan.FromSeconds(persistence.Value.BackupFrequency), cancellationToken);
        var here = await health.CheckHealthAsync(check => check.Tags.Contains("ready"), cancellationToken);
        IReadOnlyList<(string, long)>? depths = null;
        string? problem = null;
        if (queues.Available)
        {
            try
            {
                depths = await queues.DepthsAsync(cancellationToken);
            }
            catch (Exception error) when (error is HttpRequestException or TaskCanceledException or InvalidOperationException)
            {
                problem = $"The broker's management API did not answer: {error.Message}";
            }
        }
        var view = new HealthView(WebViewer.Of(http), here.Status.ToString(),
            here.Entries.Select(e => (e.Key, e.Value.Status.ToString(), e.Value.Description)).ToList(),
            await instances.ListRecentAsync(200, cancellationToken), now, spool.Directory.List().Count,
            (await journal.ListAsync(DeliveryStatus.Rejected, 1_000, cancellationToken)).Count, depths, problem, await backups, await runs);
        return new PageResult<HealthPage>(new { View = view })
        {
            StatusCode = here.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK,
        };
    }

    /// <summary>
    /// Backups as the status module counted them (each <c>BackupCompleted</c> and <c>BackupFailed</c>): the hours of the last week,
    /// then the minutes of the latest hour that had any, for the minute of the latest backup.
    /// </summary>
    private static async Task<BackupsSeen?> BackupsAsync(ReadApiClient client, DateTimeOffset now, TimeSpan every, CancellationToken cancellationToken)
    {
        try
        {
            var hours = (await client.AskAsync<GetReport, ReportReady>(new GetReport("quality", "hour", "period", now.AddDays(-7), now.AddMinutes(1)),
                cancellationToken)).Rows.Select(r => (Start: PeriodStart(r), Row: r)).ToList();
            var lastDay = hours.Where(h => h.Start >= now.AddHours(-24)).ToList();
            var (backedUp, failed) = (lastDay.Sum(h => h.Row.Value("backups")), lastDay.Sum(h => h.Row.Value("backup_failures")));
            if (hours.Where(h => h.Row.Value("backups") > 0).Select(h => (DateTimeOffset?)h.Start).Max() is not { } hour)
                return new BackupsSeen(null, 0, backedUp, failed, every);
            var minutes = (await client.AskAsync<GetReport, ReportReady>(new GetReport("quality", "minute", "period", hour, hour.AddHours(1)), cancellationToken))
                .Rows.Where(r => r.Value("backups") > 0).MaxBy(r => r.Group, StringComparer.Ordinal);
            return minutes is null ? new BackupsSeen(hour, 0, backedUp, failed, every)
                : new BackupsSeen(PeriodStart(minutes), minutes.Value("backups"), backedUp, failed, every);
        }
        catch (Exception error) when (ReadApiClient.Unanswered(error))
        {
            return null;
        }
    }

    private static async Task<IReadOnlyList<BackupRunStates.Judged>?> BackupRunsAsync(ReadApiClient client, DateTimeOffset now, TimeSpan every,
        CancellationToken cancellationToken)
    {
        try
        {
            var found = await client.AskAsync<GetBackupRuns, BackupRunsFound>(new GetBackupRuns(), cancellationToken);
            return BackupRunStates.Judge(found.Runs, now, every, BackupRunStates.StartedAt);
        }
        catch (Exception error) when (ReadApiClient.Unanswered(error))
        {
            return null;
        }
    }

    private static DateTimeOffset PeriodStart(ReportRow row) =>
        DateTimeOffset.Parse(row.Group, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal);

    private static IResult NotFound(WebViewer viewer, string sessionId) =>
        Problem(viewer, StatusCodes.Status404NotFound, "No such session", $"There is no session '{sessionId}' here, or it is not yours to see.");

    public static IResult Problem(WebViewer viewer, int status, string title, string message) =>
        new PageResult<ProblemPage>(new { Viewer = viewer, Title = title, Message = message }) { StatusCode = status };

    private static string? Empty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private sealed class SearchUnavailable(string reason) : Exception(reason);
}
