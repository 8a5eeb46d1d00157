using System.Globalization;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SessionManagement.Contracts.Saver;

namespace SessionManagement.Gateway.Routes;

/// <summary><c>GET /api/audit</c>: the audit trail the saver keeps, newest first, filtered by action, session, user and time.</summary>
internal static class AuditRoutes
{
    public static void Map(RouteGroupBuilder api) => api.MapGet("/api/audit", ListAsync);

    private static async Task<IResult> ListAsync(
        ReadApiClient client, string? action, string? session, string? user, string? since, int? limit, CancellationToken cancellationToken)
    {
        DateTimeOffset? from = null;
        if (since is not null)
        {
            if (!DateTimeOffset.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                return ReadApiRoutes.BadRequest("since must be a date or time, such as 2026-12-01 or 2026-12-01T09:00:00Z");
            from = parsed;
        }
        if (limit is < 1 or > 10_000)
            return ReadApiRoutes.BadRequest("limit must be 1 to 10000");
        try
        {
            return Results.Ok(await client.AskAsync<ListAudit, AuditListed>(new ListAudit(action, session, user, from, limit ?? 100), cancellationToken));
        }
        catch (RequestTimeoutException)
        {
            return client.NoAnswer("saver");
        }
    }
}
