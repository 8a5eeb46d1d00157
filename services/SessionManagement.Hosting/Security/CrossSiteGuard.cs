using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace SessionManagement.Hosting.Security;

/// <summary>
/// Refuses a request that changes something when a browser sent it from another site: a page elsewhere must not import, branch,
/// rotate keys or sign out through a developer's host on loopback (which takes no token), nor through a signed-in user's cookie.
/// Browsers say where a request comes from (<c>Sec-Fetch-Site</c>, <c>Origin</c>); sm-hook, smctl, curl and Claude Code say
/// neither, and are never refused here.
/// </summary>
public static class CrossSiteGuard
{
    public static void Use(IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (IsCrossSiteChange(context.Request))
        {
            await AuditTrail.RecordAsync(context, "access-refused", null, $"{context.Request.Method} {context.Request.Path} from another site ({context.Request.Headers.Origin})");
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await context.Response.WriteAsJsonAsync(new { error = "a request that changes something is not taken from another site's page" });
            return;
        }
        await next(context);
    });

    public static bool IsCrossSiteChange(HttpRequest request)
    {
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method))
            return false;
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site is "cross-site" or "same-site")
            return true;
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0 || site is "same-origin" or "none")
            return false;
        return !Uri.TryCreate(origin, UriKind.Absolute, out var from) || !string.Equals(from.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }
}
