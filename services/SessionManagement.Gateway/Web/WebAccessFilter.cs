using Microsoft.AspNetCore.Http;
using SessionManagement.Gateway.Routes;
using SessionManagement.Gateway.Web.Pages;
using SessionManagement.Hosting.Security;

namespace SessionManagement.Gateway.Web;

/// <summary>
/// The API's token rule for the web view's pages (<see cref="AccessFilter"/>), answered as a browser wants it: a page asked for
/// without an accepted token sends the browser to sign in; a role that may not see it gets a page that says so.
/// </summary>
internal sealed class WebAccessFilter(AccessTokens tokens) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (tokens.Identify(http.Request) is not { } caller)
        {
            await AuditTrail.RecordRefusalAsync(http);
            return Results.Redirect("/signin?next=" + Uri.EscapeDataString(http.Request.Path + http.Request.QueryString));
        }
        http.Items[Caller.ItemKey] = caller;
        await AuditTrail.RecordUseAsync(http, caller);
        var required = http.GetEndpoint()?.Metadata.GetMetadata<RequiredRole>()?.Role ?? AccessRole.Admin;
        if (caller.Role < required)
        {
            await AuditTrail.RecordAsync(http, "access-refused", null, $"{http.Request.Method} {http.Request.Path} wants {required}; {caller.Name} has {caller.Role}");
            return new PageResult<ProblemPage>(new
            {
                Viewer = WebViewer.Of(http),
                Title = "Not yours to see",
                Message = $"{caller.Name}'s role ({caller.Role.ToString().ToLowerInvariant()}) may not see this page: it takes {required.ToString().ToLowerInvariant()}.",
            }) { StatusCode = StatusCodes.Status403Forbidden };
        }
        return await next(context);
    }
}
