using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SessionManagement.Hosting.Configuration;
using SessionManagement.Hosting.Options;

namespace SessionManagement.Hosting.Security;

/// <summary>
/// The token rule for every address a host listens on, whatever configured it (<c>Http:Urls</c>, <c>urls</c>, a
/// <c>Kestrel:Endpoints</c> entry) and whatever its targets: beyond loopback a host starts only with a token
/// (<c>Gateway:BearerToken</c>, the deployment's one token, or users' own, <c>Gateway:Users</c>), and then every route but
/// <c>/healthz</c> (and the web view's sign-in page and its stylesheet and script) wants one; a browser asking for a page is sent
/// to sign in. Checked on the configuration before the host listens, on the addresses it ends up listening on once started, and
/// on every request.
/// </summary>
public sealed class ListenerGuard
{
    public const string TokenKey = "Gateway:BearerToken";

    private readonly AccessTokens _tokens;
    private bool? _beyondLoopback;

    private ListenerGuard(AccessTokens tokens) => _tokens = tokens;

    /// <summary>Set when the host stopped itself for listening beyond loopback without a token.</summary>
    public static bool Refused { get; private set; }

    /// <summary>Every listener the configuration asks for, with the key that asks.</summary>
    public static IReadOnlyList<(string Key, string Url)> ConfiguredListeners(IConfiguration configuration, HttpOptions http)
    {
        var listeners = new List<(string, string)>();
        foreach (var url in Split(http.Urls))
            listeners.Add(("Http:Urls", url));
        foreach (var url in Split(configuration["urls"]))
            listeners.Add(("urls", url));
        foreach (var endpoint in configuration.GetSection("Kestrel:Endpoints").GetChildren())
            if (endpoint["Url"] is { Length: > 0 } url)
                listeners.Add(($"Kestrel:Endpoints:{endpoint.Key}:Url", url));
        return listeners;
    }

    /// <summary>Refuses (an <see cref="InvalidConfigurationException"/> naming each key) to listen beyond loopback without a token.</summary>
    public static void RequireTokenBeyondLoopback(IConfiguration configuration, HttpOptions http, AccessTokens tokens)
    {
        if (tokens.Any)
            return;
        var open = ConfiguredListeners(configuration, http).Where(l => !IsLoopback(l.Url)).ToList();
        if (open.Count > 0)
            throw new InvalidConfigurationException(open.Select(l =>
                $"{TokenKey}: required when the host listens beyond loopback ({l.Key} = {l.Url})").ToList());
    }

    /// <summary>Whether a listening address stays on this machine: <c>localhost</c> or a loopback IP (not <c>*</c>, <c>+</c>, <c>0.0.0.0</c>, a name).</summary>
    public static bool IsLoopback(string url)
    {
        var rest = url.Contains("://", StringComparison.Ordinal) ? url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..] : url;
        rest = rest.Split('/')[0];
        var host = rest.StartsWith('[') ? rest[1..rest.IndexOf(']')] : rest.Split(':')[0];
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
    }

    /// <summary>Puts the rule in front of every route, and checks the addresses the server really listens on once it has started.</summary>
    public static void Use(WebApplication app)
    {
        var guard = new ListenerGuard(app.Services.GetRequiredService<AccessTokens>());
        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        lifetime.ApplicationStarted.Register(() =>
        {
            if (guard._tokens.Any || !guard.ListensBeyondLoopback(app.Services))
                return;
            Refused = true;
            app.Logger.LogCritical("Listening beyond loopback ({Addresses}) without {Key}: stopping", string.Join(", ", Addresses(app.Services)), TokenKey);
            Console.Error.WriteLine($"session-management: {TokenKey}: required when the host listens beyond loopback ({string.Join(", ", Addresses(app.Services))})");
            lifetime.StopApplication();
        });
        app.Use(async (context, next) =>
        {
            if (IsOpenRoute(context.Request.Path) || !guard.ListensBeyondLoopback(context.RequestServices))
            {
                await next(context);
                return;
            }
            var caller = guard._tokens.Identify(context.Request);
            // The host's own routes say which machines run what, and how it fares: an admin's. The modules' routes check roles themselves.
            if (caller is not null && (caller.Role == AccessRole.Admin || !IsHostRoute(context.Request.Path)))
            {
                await next(context);
                return;
            }
            if (caller is not null)
            {
                context.Items[Caller.ItemKey] = caller;
                await AuditTrail.RecordAsync(context, "access-refused", null, $"{context.Request.Method} {context.Request.Path} wants admin; {caller.Name} has {caller.Role}");
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                await context.Response.WriteAsJsonAsync(new { error = $"{context.Request.Path} takes an admin's token" });
                return;
            }
            await AuditTrail.RecordRefusalAsync(context);
            if (guard._tokens.Any && WantsPage(context.Request))
            {
                context.Response.Redirect("/signin?next=" + Uri.EscapeDataString(context.Request.Path + context.Request.QueryString));
                return;
            }
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await context.Response.WriteAsJsonAsync(new
            {
                error = !guard._tokens.Any
                    ? "this host listens beyond loopback without a token and serves only /healthz"
                    : "a bearer token is required beyond loopback",
            });
        });
    }

    /// <summary>
    /// What answers without a token anywhere: <c>/healthz</c>, and the web view's sign-in page and its stylesheet and script,
    /// which hold nothing of the data (signing in is how a browser comes by the token).
    /// </summary>
    private static bool IsOpenRoute(PathString path) =>
        path == "/healthz" || path == "/signin" || path.StartsWithSegments("/assets", StringComparison.Ordinal);

    /// <summary>A browser asking for a page, sent to sign in rather than answered 401.</summary>
    private static bool WantsPage(HttpRequest request) =>
        HttpMethods.IsGet(request.Method) && request.Headers.Accept.ToString().Contains("text/html", StringComparison.Ordinal)
        && !request.Path.StartsWithSegments("/api", StringComparison.Ordinal);

    private static bool IsHostRoute(PathString path) => path == "/metrics" || path == "/readyz" || path == "/api/instances";

    private bool ListensBeyondLoopback(IServiceProvider services) =>
        _beyondLoopback ??= Addresses(services).Any(a => !IsLoopback(a));

    private static ICollection<string> Addresses(IServiceProvider services) =>
        services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];

    private static IEnumerable<string> Split(string? urls) =>
        (urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
