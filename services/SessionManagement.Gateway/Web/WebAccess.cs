using Microsoft.AspNetCore.Http;
using SessionManagement.Gateway.Routes;
using SessionManagement.Gateway.Web.Pages;
using SessionManagement.Hosting.Security;

namespace SessionManagement.Gateway.Web;

/// <summary>
/// The API's token rule for the web view's pages (<see cref="AccessFilter"/>), answered as a browser wants it: a page asked for
/// without an accepted token sends the browser to sign in; a role that may not see it gets a page that says so.
/// </summary>
internal static class WebAccess
{
    public static AccessFilter Filter(AccessTokens tokens) => new(tokens, SignIn, NotYours);

    private static IResult SignIn(HttpContext http) =>
        Results.Redirect("/signin?next=" + Uri.EscapeDataString(http.Request.Path + http.Request.QueryString));

    private static IResult NotYours(HttpContext http, Caller caller, AccessRole required) =>
        WebPages.Problem(WebViewer.Of(http), StatusCodes.Status403Forbidden, "Not yours to see",
            $"{caller.Name}'s role ({AccessFilter.Name(caller.Role)}) may not see this page: it takes {AccessFilter.Name(required)}.");
}
