using MassTransit;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SessionManagement.Contracts.Saver;
using SessionManagement.Hosting.Security;

namespace SessionManagement.Gateway.Routes;

/// <summary>
/// A route about one session (<c>{sessionId}</c>) answers a caller who sees only their own (<see cref="Caller.SeesOnlyTheirOwn"/>)
/// only for a session that is theirs; any other is answered as one that does not exist.
/// </summary>
internal sealed class OwnedSessionFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (Caller.Of(http) is not { SeesOnlyTheirOwn: true } caller || http.GetRouteValue("sessionId") is not string sessionId)
            return await next(context);
        var client = http.RequestServices.GetRequiredService<ReadApiClient>();
        try
        {
            return await OwnsAsync(client, caller, sessionId, http.RequestAborted) ? await next(context) : ReadApiRoutes.NotFound(sessionId);
        }
        catch (RequestTimeoutException)
        {
            return client.NoAnswer("saver");
        }
    }

    /// <summary>Whether the request's caller may see the session: any caller but one who sees only their own, and then only theirs.</summary>
    public static async Task<bool> MaySeeAsync(HttpContext http, ReadApiClient client, string sessionId, CancellationToken cancellationToken) =>
        Caller.Of(http) is not { SeesOnlyTheirOwn: true } caller || await OwnsAsync(client, caller, sessionId, cancellationToken);

    /// <summary>Whether the session is the caller's: its first hook was theirs.</summary>
    public static async Task<bool> OwnsAsync(ReadApiClient client, Caller caller, string sessionId, CancellationToken cancellationToken) =>
        (await client.AskAsync<GetSessionOwner, SessionOwner>(new GetSessionOwner(sessionId), cancellationToken)).User == caller.Name;
}
