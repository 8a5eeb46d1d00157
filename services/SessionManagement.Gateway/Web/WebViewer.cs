using Microsoft.AspNetCore.Http;
using SessionManagement.Hosting.Security;

namespace SessionManagement.Gateway.Web;

/// <summary>Who looks at a page: the name shown in its frame, whether they signed in (so may sign out), and whether they are an admin (so may delete).</summary>
public sealed record WebViewer(string? Name, bool SignedIn)
{
    public bool Admin { get; init; }

    public static WebViewer Of(HttpContext http) => new(
        Caller.Of(http) is { Named: true } caller ? caller.Name : null,
        http.Request.Cookies.ContainsKey(AccessTokens.CookieName)) { Admin = Caller.Of(http)?.Role == AccessRole.Admin };
}
