using System.Reflection;
using System.Text.Json;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SessionManagement.Gateway.Routes;
using SessionManagement.Gateway.Web.Live;
using SessionManagement.Gateway.Web.Pages;
using SessionManagement.Hosting.Http;
using SessionManagement.Hosting.Security;

namespace SessionManagement.Gateway.Web;

/// <summary>
/// The web view at <c>/</c>, on the gateway's address and token rules: its pages (<see cref="WebPages"/>), sign-in, the
/// stylesheet and script it is served with, and <c>/live</c>, the server-sent events its open pages update from.
/// </summary>
internal static class WebRoutes
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public static void Map(IEndpointRouteBuilder app)
    {
        var tokens = app.ServiceProvider.GetRequiredService<AccessTokens>();
        app.MapGet("/assets/{name}", Asset).ExcludeFromDescription();
        app.MapGet("/signin", (AccessTokens tokens, string? next) =>
            new PageResult<SignInPage>(new { TokensConfigured = tokens.Any, Next = LocalPath(next) }));
        app.MapPost("/signin", SignInAsync);
        app.MapPost("/signout", SignOut);

        var web = app.MapGroup("").AddEndpointFilter(WebAccess.Filter(tokens)).AddEndpointFilter(ModuleFailed);
        web.MapGet("/", WebPages.SessionsAsync).Allow(AccessRole.Read);
        web.MapGet("/sessions/{sessionId}", WebPages.SessionAsync).Allow(AccessRole.Read);
        web.MapPost("/sessions/{sessionId}/branch", WebPages.BranchAsync).Allow(AccessRole.Capture);
        web.MapPost("/sessions/{sessionId}/delete", WebPages.DeleteAsync); // an admin's, as in the API
        web.MapGet("/sessions/{sessionId}/tool", WebPages.ToolTextAsync).Allow(AccessRole.Read);
        web.MapGet("/sessions/{sessionId}/tool-results/{name}", WebPages.ToolResultFileAsync).Allow(AccessRole.Read);
        web.MapGet("/search", WebPages.SearchAsync).Allow(AccessRole.Read);
        web.MapGet("/reports", WebPages.ReportsAsync); // reports and health span every user: an admin's, as in the API
        web.MapGet("/health", WebPages.HealthAsync);
        web.MapGet("/live", LiveAsync).Allow(AccessRole.Read);
    }

    /// <summary>
    /// A page whose module failed on the question it was asked is a page too, saying which module failed and on what (the API's 502
    /// sentence, <see cref="ModuleFaults"/>), with the way back to the list.
    /// </summary>
    private static async ValueTask<object?> ModuleFailed(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (RequestFaultException fault) when (!context.HttpContext.Response.HasStarted)
        {
            var told = ModuleFaults.Told(context.HttpContext, fault);
            return WebPages.Problem(WebViewer.Of(context.HttpContext), StatusCodes.Status502BadGateway, "A module failed",
                char.ToUpperInvariant(told[0]) + told[1..] + ". Its log says more; the rest of the web view may still answer.");
        }
    }

    /// <summary>The script, from the assembly; cached for an hour, it holds nothing of the data.</summary>
    private static IResult Asset(HttpContext http, string name)
    {
        if (WebAssets.Open(name) is not { } stream)
            return Results.NotFound();
        http.Response.Headers.CacheControl = "public, max-age=3600";
        return Results.Stream(stream, "text/javascript; charset=utf-8");
    }

    private static async Task<IResult> SignInAsync(HttpContext http, AccessTokens tokens)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var next = LocalPath(form["next"]);
        var token = form["token"].ToString();
        if (!tokens.Any)
            return Results.Redirect(next);
        if (token.Length == 0 || tokens.IdentifyToken(token) is not { } caller)
        {
            await AuditTrail.RecordRefusalAsync(http);
            return new PageResult<SignInPage>(new { TokensConfigured = true, Next = next, Problem = "That token is not one this host accepts." })
                { StatusCode = StatusCodes.Status401Unauthorized };
        }
        http.Items[Caller.ItemKey] = caller;
        await AuditTrail.RecordAsync(http, "sign-in", null, "the web view");
        http.Response.Cookies.Append(AccessTokens.CookieName, token, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = http.Request.IsHttps,
            Path = "/",
            MaxAge = TimeSpan.FromDays(7),
        });
        return Results.Redirect(next);
    }

    private static IResult SignOut(HttpContext http)
    {
        http.Response.Cookies.Delete(AccessTokens.CookieName, new CookieOptions { Path = "/" });
        return Results.Redirect("/signin");
    }

    /// <summary>Where to go after signing in: a path on this host, never another site.</summary>
    private static string LocalPath(string? next) =>
        next is { Length: > 0 } path && path[0] == '/' && !path.StartsWith("//", StringComparison.Ordinal) && !path.StartsWith("/\\", StringComparison.Ordinal) ? path : "/";

    /// <summary>Whether the session is the caller's; one the saver cannot say in time is not told of (the page fetches nothing it may not).</summary>
    private static async Task<bool> OwnsAsync(ReadApiClient client, Caller caller, string sessionId, CancellationToken cancellationToken)
    {
        try
        {
            return await OwnedSessionFilter.OwnsAsync(client, caller, sessionId, cancellationToken);
        }
        catch (MassTransit.RequestTimeoutException)
        {
            return false;
        }
    }

    /// <summary>
    /// Server-sent events for an open page: <c>messages</c> when a session's history grows, <c>session</c> when its state is saved;
    /// only for <paramref name="session"/> when given, and, for a caller who sees only their own, only for their sessions.
    /// </summary>
    private static async Task LiveAsync(HttpContext http, LiveFeed feed, ReadApiClient client, string? session, CancellationToken cancellationToken)
    {
        http.Response.Headers.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        var caller = Caller.Of(http);
        var owned = new Dictionary<string, bool>(StringComparer.Ordinal);
        var changes = feed.Join();
        try
        {
            await http.Response.WriteAsync(": live\n\n", cancellationToken);
            await http.Response.Body.FlushAsync(cancellationToken);
            while (!cancellationToken.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                wait.CancelAfter(KeepAlive);
                try
                {
                    await changes.Reader.WaitToReadAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    await http.Response.WriteAsync(": keep-alive\n\n", cancellationToken);
                    await http.Response.Body.FlushAsync(cancellationToken);
                    continue;
                }
                while (changes.Reader.TryRead(out var change))
                {
                    if (session is not null && change.SessionId != session)
                        continue;
                    if (caller is { SeesOnlyTheirOwn: true })
                    {
                        if (!owned.TryGetValue(change.SessionId, out var theirs))
                            owned[change.SessionId] = theirs = await OwnsAsync(client, caller, change.SessionId, cancellationToken);
                        if (!theirs)
                            continue;
                    }
                    await http.Response.WriteAsync($"event: {change.Kind}\ndata: {JsonSerializer.Serialize(new { session = change.SessionId, count = change.Count })}\n\n", cancellationToken);
                }
                await http.Response.Body.FlushAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // The page closed.
        }
        finally
        {
            feed.Leave(changes);
        }
    }
}
