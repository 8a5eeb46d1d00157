using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SessionManagement.Hosting.Security;

namespace SessionManagement.Gateway.Routes;

/// <summary>
/// Who may call a gateway route: with any token configured, the request must present one (else 401), whose role reaches the
/// route's (<see cref="AccessRole"/> in its metadata; admin when it names none; else 403). Without a token (a host on loopback)
/// every request may. The caller is left in the request for the route (<see cref="Caller.Of"/>). The answers are the API's
/// (JSON) unless others are given: the web view's send a browser to sign in, and say so in a page.
/// </summary>
internal sealed class AccessFilter(AccessTokens tokens, Func<HttpContext, IResult>? unidentified = null,
    Func<HttpContext, Caller, AccessRole, IResult>? refused = null) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (tokens.Identify(http.Request) is not { } caller)
        {
            await AuditTrail.RecordRefusalAsync(http);
            return (unidentified ?? Unidentified)(http);
        }
        http.Items[Caller.ItemKey] = caller;
        await AuditTrail.RecordUseAsync(http, caller);
        var required = http.GetEndpoint()?.Metadata.GetMetadata<RequiredRole>()?.Role ?? AccessRole.Admin;
        if (caller.Role < required)
        {
            await AuditTrail.RecordAsync(http, "access-refused", null, $"{http.Request.Method} {http.Request.Path} wants {required}; {caller.Name} has {caller.Role}");
            return (refused ?? Refused)(http, caller, required);
        }
        return await next(context);
    }

    private static IResult Unidentified(HttpContext http) =>
        Results.Json(new { error = "a bearer token is required" }, statusCode: StatusCodes.Status401Unauthorized);

    private static IResult Refused(HttpContext http, Caller caller, AccessRole required) =>
        Results.Json(new { error = $"{caller.Name}'s role ({Name(caller.Role)}) may not do this: it takes {Name(required)}" },
            statusCode: StatusCodes.Status403Forbidden);

    public static string Name(AccessRole role) => role.ToString().ToLowerInvariant();

    /// <summary>What a route refuses its caller beyond the route's role (a reader's request for what is not theirs): 403, and recorded.</summary>
    public static async Task<IResult> RefuseAsync(HttpContext http, string why)
    {
        await AuditTrail.RecordAsync(http, "access-refused", null, $"{http.Request.Method} {http.Request.Path}{http.Request.QueryString}: {why}");
        return Results.Json(new { error = why }, statusCode: StatusCodes.Status403Forbidden);
    }
}

/// <summary>The least role a route takes (<see cref="AccessFilter"/>).</summary>
internal sealed record RequiredRole(AccessRole Role);

internal static class RequiredRoleExtensions
{
    /// <summary>The route may be called by <paramref name="role"/> and above (routes that say nothing take admin).</summary>
    public static TBuilder Allow<TBuilder>(this TBuilder builder, AccessRole role) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequiredRole(role));
}
