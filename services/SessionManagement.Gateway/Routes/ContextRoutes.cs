using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SessionManagement.Bridge.Privacy;
using SessionManagement.Contracts;
using SessionManagement.Contracts.Context;
using SessionManagement.Contracts.Saver;
using SessionManagement.Hosting.Security;

namespace SessionManagement.Gateway.Routes;

/// <summary>The context API: items created, updated, merged and read by the context module, asked over the bus.</summary>
internal static class ContextRoutes
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/api/context", QueryAsync).Allow(AccessRole.Read);
        api.MapPost("/api/context", (ReadApiClient client, SecretRedactor redactor, SaveContextItem item, CancellationToken cancellationToken) =>
            SaveAsync(client, redactor, item with { Merge = false }, cancellationToken));
        api.MapPut("/api/context/{itemId}", (ReadApiClient client, SecretRedactor redactor, string itemId, SaveContextItem item, CancellationToken cancellationToken) =>
            SaveAsync(client, redactor, item with { ItemId = itemId, Merge = false }, cancellationToken));
        api.MapPost("/api/context/{itemId}/merge", (ReadApiClient client, SecretRedactor redactor, string itemId, SaveContextItem item, CancellationToken cancellationToken) =>
            SaveAsync(client, redactor, item with { ItemId = itemId, Merge = true }, cancellationToken));
    }

    private static async Task<IResult> QueryAsync(HttpContext http,
        ReadApiClient client, string? session, string? project, string? user, string? team, long? maxBytes, CancellationToken cancellationToken)
    {
        if (session is null && project is null && user is null && team is null)
            return ReadApiRoutes.BadRequest("say whose context: session, project, user and/or team");
        try
        {
            if (Caller.Of(http) is { SeesOnlyTheirOwn: true } reader)
            {
                // A reader reads their own items, their teams' and those of their own sessions (with the session's project's).
                if (user is not null && user != reader.Name)
                    return await AccessFilter.RefuseAsync(http, $"{reader.Name} reads their own user items, not {user}'s");
                if (team is not null && !reader.Teams.Contains(team, StringComparer.Ordinal))
                    return await AccessFilter.RefuseAsync(http, $"{reader.Name} is not in team {team}");
                if (project is not null && session is null)
                    return await AccessFilter.RefuseAsync(http, "a reader reads a project's context through one of their sessions: add session=<id>");
                if (session is not null && !await OwnedSessionFilter.OwnsAsync(client, reader, session, cancellationToken))
                    return ReadApiRoutes.NotFound(session);
                if (project is not null && await ProjectOfAsync(client, session!, cancellationToken) != ProjectFolders.Normalize(project))
                    return await AccessFilter.RefuseAsync(http, $"a reader reads the context of their session's own project, not {project}");
                user = reader.Name;
            }
            var found = await client.AskAsync<QueryContext, ContextItemsFound>(
                new QueryContext(session, project, user, team, Math.Clamp(maxBytes ?? 1_048_576, 1, 64L * 1024 * 1024)), cancellationToken);
            // Another user's (or a team's) items read: recorded, with how many were served.
            if ((user is not null && user != AuditTrail.Actor(http)) || team is not null)
                await AuditTrail.RecordAsync(http, "context-read", session,
                    $"{found.Items.Count} items of " + string.Join(", ", new[] { user is null ? null : "user " + user, team is null ? null : "team " + team }.OfType<string>()));
            return Results.Ok(found);
        }
        catch (RequestTimeoutException)
        {
            return client.NoAnswer("context");
        }
    }

    private static async Task<string?> ProjectOfAsync(ReadApiClient client, string sessionId, CancellationToken cancellationToken)
    {
        var response = await client.AskAsync<GetSession, SessionFound, SessionNotFound>(new GetSession(sessionId), cancellationToken);
        return response.Is(out Response<SessionFound>? found) ? found.Message.Session.ProjectDir : null;
    }

    /// <summary>Saves an item, its content redacted as a hook's would be (<see cref="SecretRedactor"/>).</summary>
    private static async Task<IResult> SaveAsync(ReadApiClient client, SecretRedactor redactor, SaveContextItem item, CancellationToken cancellationToken)
    {
        item = item with { Content = redactor.RedactText(item.Content ?? "") };
        try
        {
            var response = await client.AskAsync<SaveContextItem, ContextItemSaved, ContextItemRejected>(item, cancellationToken);
            if (response.Is(out Response<ContextItemSaved>? saved))
                return Results.Ok(saved.Message);
            response.Is(out Response<ContextItemRejected>? rejected);
            return ReadApiRoutes.BadRequest(rejected!.Message.Reason);
        }
        catch (RequestTimeoutException)
        {
            return client.NoAnswer("context");
        }
    }
}
