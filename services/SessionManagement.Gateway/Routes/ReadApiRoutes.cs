using System.Globalization;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionManagement.Bridge;
using SessionManagement.Contracts.Chat;
using SessionManagement.Contracts.Saver;
using SessionManagement.Gateway.Capture;
using SessionManagement.Gateway.Options;
using SessionManagement.Gateway.Transcripts;
using SessionManagement.Hosting.Security;

namespace SessionManagement.Gateway.Routes;

/// <summary>
/// The read API: sessions from the saver, history and search from chat, exports assembled from both, and
/// transcript import into chat. The gateway owns none of this data; it asks over the bus.
/// </summary>
internal static class ReadApiRoutes
{
    private static readonly string[] Statuses = ["active", "ended"];

    private static readonly string[] Sorts = ["recent", "started", "oldest", "prompts", "tools"];

    /// <summary>The roles a message can have: a prompt, a reply, a tool result, a system note, a compaction summary.</summary>
    private static readonly string[] Roles = ["user", "assistant", "tool", "system", "summary"];

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/api/sessions", ListSessionsAsync).Allow(AccessRole.Read);
        api.MapGet("/api/sessions/{sessionId}", GetSessionAsync).Allow(AccessRole.Read).AddEndpointFilter<OwnedSessionFilter>();
        api.MapDelete("/api/sessions/{sessionId}", SessionDeletion.RouteAsync); // admin only
        api.MapGet("/api/sessions/{sessionId}/messages", GetMessagesAsync).Allow(AccessRole.Read).AddEndpointFilter<OwnedSessionFilter>();
        api.MapGet("/api/sessions/{sessionId}/export", SessionExport.WriteAsync).Allow(AccessRole.Read).AddEndpointFilter<OwnedSessionFilter>();
        api.MapGet("/api/sessions/{sessionId}/files", GetFilesAsync).Allow(AccessRole.Read).AddEndpointFilter<OwnedSessionFilter>();
        api.MapPost("/api/sessions/{sessionId}/use", UseSessionAsync).Allow(AccessRole.Read).AddEndpointFilter<OwnedSessionFilter>();
        api.MapGet("/api/search", SearchAsync).Allow(AccessRole.Read);
        api.MapPost("/api/sessions/import", ImportAsync).Allow(AccessRole.Capture);
    }

    private static async Task<IResult> ListSessionsAsync(HttpContext http, ReadApiClient client, string? project, string? status, string? branch,
        string? since, string? until, string? sort, int? skip, int? limit, string? idPrefix, CancellationToken cancellationToken)
    {
        if (idPrefix is not null && !HookInput.IsValidSessionId(idPrefix))
            return BadRequest($"idPrefix must be the beginning of a session id (letters, digits, -, _, . and :), not '{idPrefix}'");
        if (ListRequest(http, project, status, branch, since, until, sort, skip, limit, out var problem) is not { } request)
            return BadRequest(problem!);
        request = request with { IdPrefix = idPrefix };
        try
        {
            return Results.Ok(await client.AskAsync<ListSessions, SessionsListed>(request, cancellationToken));
        }
        catch (RequestTimeoutException)
        {
            return client.NoAnswer("saver");
        }
    }

    /// <summary>The saver's question for a list of sessions (the API's and the web view's), or null and why the parameters are wrong.</summary>
    internal static ListSessions? ListRequest(HttpContext http, string? project, string? status, string? branch, string? since, string? until,
        string? sort, int? skip, int? limit, out string? problem)
    {
        problem = null;
        if (status is not null && !Statuses.Contains(status, StringComparer.OrdinalIgnoreCase))
            problem = $"status must be one of {string.Join(", ", Statuses)}";
        else if (sort is not null && !Sorts.Contains(sort, StringComparer.Ordinal))
            problem = $"sort must be one of {string.Join(", ", Sorts)}";
        if (problem is not null || !TryTime(since, "since", out var from, out problem) || !TryTime(until, "until", out var to, out problem)
            || !TryPage(skip, limit, 50, 500, out var first, out var count, out problem))
            return null;
        return new ListSessions(project, status, from, to, first, count,
            User: Caller.Of(http) is { SeesOnlyTheirOwn: true } caller ? caller.Name : null, GitBranch: branch, Sort: sort);
    }

    private static async Task<IResult> GetSessionAsync(ReadApiClient client, string sessionId, CancellationToken cancellationToken)
    {
        try
        {
            var response = await client.AskAsync<GetSession, SessionFound, SessionNotFound>(new GetSession(sessionId), cancellationToken);
            return response.Is(out Response<SessionFound>? found) ? Results.Ok(found.Message.Session) : NotFound(sessionId);
        }
        catch (RequestTimeoutException)
        {
            return client.NoAnswer("saver");
        }
    }

    /// <summary>Makes the session the one its project's next SessionStart continues from (<c>smctl use</c>).</summary>
    private static async Task<IResult> UseSessionAsync(ReadApiClient client, TimeProvider time, string sessionId, CancellationToken cancellationToken)
    {
        try
        {
            var response = await client.AskAsync<UseSession, SessionUsed, SessionNotFound>(new UseSession(sessionId, time.GetUtcNow()), cancellationToken);
            return response.Is(out Response<SessionUsed>? used) ? Results.Ok(used.Message) : NotFound(sessionId);
        }
        catch (RequestTimeoutException)
        {
            return client.NoAnswer("saver");
        }
    }

    private static async Task<IResult> GetMessagesAsync(
        ReadApiClient client, string sessionId, int? skip, int? limit, bool? records, bool? raw, CancellationToken cancellationToken)
    {
        if (!TryPage(skip, limit, 100, raw == true ? 200 : 1_000, out var first, out var count, out var problem))
            return BadRequest(problem!);
        try
        {
            var page = await client.AskAsync<GetMessages, MessagesPage>(
                new GetMessages(sessionId, first, count, records ?? false, raw ?? false), cancellationToken);
            return page.Total == 0 && page.Messages.Count == 0 && !await SessionExistsAsync(client, sessionId, cancellationToken)
                ? NotFound(sessionId) : Results.Ok(page);
        }
        catch (RequestTimeoutException)
        {
            return client.NoAnswer("chat");
        }
    }

    /// <summary>The session's transcript files chat holds: its own (<c>file</c> null) and its subagents', with their line counts.</summary>
    private static async Task<IResult> GetFilesAsync(ReadApiClient client, string sessionId, CancellationToken cancellationToken)
    {
        try
        {
            var held = await client.AskAsync<ListTranscriptFiles, TranscriptFilesHeld>(new ListTranscriptFiles(sessionId), cancellationToken);
            return held.Files.Count == 0 ? NotFound(sessionId) : Results.Ok(held);
        }
        catch (RequestTimeoutException)
        {
            return client.NoAnswer("chat");
        }
    }

    private static async Task<IResult> SearchAsync(HttpContext http,
        ReadApiClient client, string? q, string? session, string? project, string? role, string? since, string? until, int? limit,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(q))
            return BadRequest("q is required: the words to search for");
        if (q.Any(c => char.IsControl(c) && !char.IsWhiteSpace(c)))
            return BadRequest("q must not hold control characters (such as NUL): give the words to search for");
        if (role is not null && !Roles.Contains(role, StringComparer.Ordinal))
            return BadRequest($"role must be one of {string.Join(", ", Roles)}");
        if (!TryTime(since, "since", out var from, out var problem) || !TryTime(until, "until", out var to, out problem)
            || !TryPage(0, limit, 20, 200, out _, out var count, out problem))
            return BadRequest(problem!);
        try
        {
            var response = await client.AskAsync<SearchMessages, MessagesFound, SearchRejected>(
                new SearchMessages(q, session, project, role, from, to, count, await SearchedSessionsAsync(client, Caller.Of(http), cancellationToken)), cancellationToken);
            if (response.Is(out Response<MessagesFound>? found))
                return Results.Ok(found.Message);
            response.Is(out Response<SearchRejected>? rejected);
            return Results.Json(new { error = rejected!.Message.Reason, query = rejected.Message.Query }, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        catch (RequestTimeoutException)
        {
            return client.NoAnswer("chat");
        }
    }

    /// <summary>The most of a reader's sessions their searches look in: the latest by activity.</summary>
    internal const int MaxSearchedSessions = 20_000;

    /// <summary>
    /// The sessions a caller's search looks in: null (every one) for a caller who sees every session; for a reader, their own, the
    /// latest <see cref="MaxSearchedSessions"/> by activity. Chat searches those alone, so a reader's hits are never crowded out of
    /// a page by other users' better matches.
    /// </summary>
    internal static async Task<IReadOnlyList<string>?> SearchedSessionsAsync(ReadApiClient client, Caller? caller, CancellationToken cancellationToken)
    {
        if (caller is not { SeesOnlyTheirOwn: true })
            return null;
        var ids = new List<string>();
        while (ids.Count < MaxSearchedSessions)
        {
            var page = await client.AskAsync<ListSessions, SessionsListed>(
                new ListSessions(null, null, null, null, ids.Count, SearchedSessionsPage, User: caller.Name, Sort: "recent"), cancellationToken);
            ids.AddRange(page.Sessions.Select(s => s.SessionId));
            if (page.Sessions.Count < SearchedSessionsPage)
                break;
        }
        return ids;
    }

    private const int SearchedSessionsPage = 500;

    private static async Task<IResult> ImportAsync(
        HttpContext http, TranscriptImporter importer, ReadApiClient client, IOptions<GatewayOptions> options, ILoggerFactory loggers,
        string? session, string? name, string? file, string? parent, string? path, bool? undelete, CancellationToken cancellationToken)
    {
        if (undelete == true && Caller.Of(http) is { Role: not AccessRole.Admin } caller)
            return await AccessFilter.RefuseAsync(http, $"only an admin imports a session deleted for good again (undelete); {caller.Name} has {AccessFilter.Name(caller.Role)}");
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = options.Value.MaxImportBytes;
        var (host, user) = ImportedBy(http);
        try
        {
            var result = await importer.ImportAsync(http.Request.Body, http.Request.ContentLength, session, name ?? "upload.jsonl", host, user,
                cancellationToken, file, parent, path, undelete == true);
            await AuditTrail.RecordAsync(http, AuditTrail.ActionOf(http, "import", "branch"), result.SessionId,
                $"{result.Name}: {result.Lines} lines" + (parent is null ? "" : $", branched from {parent}") + (result.Undeleted ? ", deleted for good before: undeleted" : ""));
            return Results.Ok(result);
        }
        catch (ImportRejectedException error)
        {
            return BadRequest(error.Message);
        }
        catch (DeletedSessionException refused)
        {
            return Results.Json(new { error = refused.Message, deleted = refused.Deleted }, statusCode: StatusCodes.Status409Conflict);
        }
        catch (BadHttpRequestException error) when (error.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Results.Json(new { error = $"the transcript is over Gateway:MaxImportBytes ({options.Value.MaxImportBytes} bytes); nothing was imported" },
                statusCode: StatusCodes.Status413PayloadTooLarge);
        }
        catch (RequestTimeoutException)
        {
            return client.NoAnswer("chat");
        }
    }

    /// <summary>
    /// Whose machine and name an import (or a branch) is kept under: sm-hook's and smctl's headers, a user's own token over the name
    /// they claim, else this machine's.
    /// </summary>
    internal static (string Host, string User) ImportedBy(HttpContext http)
    {
        var headers = http.Request.Headers;
        var host = headers.TryGetValue(BridgeHeaders.Host, out var h) && h.Count > 0 ? h[0]! : Environment.MachineName;
        var user = Caller.Of(http) is { Named: true } caller ? caller.Name
            : headers.TryGetValue(BridgeHeaders.User, out var u) && u.Count > 0 ? u[0]! : Environment.UserName;
        return (host, user);
    }

    internal static async Task<bool> SessionExistsAsync(ReadApiClient client, string sessionId, CancellationToken cancellationToken)
    {
        var response = await client.AskAsync<GetSession, SessionFound, SessionNotFound>(new GetSession(sessionId), cancellationToken);
        return response.Is(out Response<SessionFound>? _);
    }

    internal static IResult NotFound(string sessionId) => Results.Json(new { error = $"no session '{sessionId}'" }, statusCode: StatusCodes.Status404NotFound);

    internal static IResult BadRequest(string problem) => Results.Json(new { error = problem }, statusCode: StatusCodes.Status400BadRequest);

    /// <summary>A page's <c>skip</c> (0 or more) and <c>limit</c> (1 to <paramref name="most"/>, else <paramref name="usual"/>); out of range is refused, not clamped.</summary>
    internal static bool TryPage(int? skip, int? limit, int usual, int most, out int first, out int count, out string? problem)
    {
        (first, count, problem) = (skip ?? 0, limit ?? usual, null);
        if (first < 0)
            problem = $"skip must be 0 or more, not {first}";
        else if (count < 1 || count > most)
            problem = $"limit must be between 1 and {most}, not {count}";
        return problem is null;
    }

    internal static bool TryTime(string? text, string name, out DateTimeOffset? time, out string? problem)
    {
        (time, problem) = (null, null);
        if (text is null)
            return true;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            time = parsed;
            return true;
        }
        problem = $"{name} must be a date and time such as 2026-11-24T09:00:00Z, not '{text}'";
        return false;
    }
}
