using System.Collections.Concurrent;
using MassTransit;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SessionManagement.Contracts.Saver;

namespace SessionManagement.Hosting.Security;

/// <summary>
/// Records what is done to kept sessions in the audit trail (<see cref="AuditRecorded"/>, kept by the saver): who (the user the
/// request names, <c>system</c> for a module on its own), what, when, from where. Also logged, under <c>SessionManagement.Audit</c>.
/// A record that cannot be published is logged as such and never fails what was done.
/// </summary>
public static class AuditTrail
{
    /// <summary>The user a request names (<c>X-SM-User</c>, as sm-hook and smctl send it).</summary>
    public const string UserHeader = "X-SM-User";

    /// <summary>What a request is for, when it is part of something larger (<c>restore</c>, <c>branch</c>): smctl sends it.</summary>
    public const string PurposeHeader = "X-SM-Purpose";

    private static readonly ConcurrentDictionary<string, long> LastRefusal = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, long> LastUse = new(StringComparer.Ordinal);

    /// <summary>Who sent a request: the user their token names, else the user the request names, else <c>anonymous</c>.</summary>
    public static string Actor(HttpContext http) =>
        Caller.Of(http) is { Named: true } caller ? caller.Name
        : http.Request.Headers[UserHeader].ToString() is { Length: > 0 and <= 128 } user ? user : "anonymous";

    /// <summary>From where: the client's address.</summary>
    public static string Origin(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>The action a request performs: what its purpose header says, among <paramref name="allowed"/>, else <paramref name="action"/>.</summary>
    public static string ActionOf(HttpContext http, string action, params string[] allowed) =>
        http.Request.Headers[PurposeHeader].ToString() is { Length: > 0 } purpose && allowed.Contains(purpose, StringComparer.Ordinal) ? purpose : action;

    /// <summary>Records a request's action.</summary>
    public static Task RecordAsync(HttpContext http, string action, string? sessionId, string? detail) =>
        RecordAsync(http.RequestServices, new AuditRecorded(Guid.CreateVersion7(), DateTimeOffset.UtcNow, action, Actor(http), Origin(http), sessionId, detail),
            http.RequestAborted);

    /// <summary>Records what a module did on its own (a schedule's delete, a recovery at start).</summary>
    public static Task RecordSystemAsync(IServiceProvider services, string action, string? sessionId, string? detail, CancellationToken cancellationToken) =>
        RecordAsync(services, new AuditRecorded(Guid.CreateVersion7(), DateTimeOffset.UtcNow, action, "system", Environment.MachineName, sessionId, detail),
            cancellationToken);

    /// <summary>
    /// Records a request refused for its token, at most once a minute per address: a client retrying with a bad token, or someone
    /// trying tokens or routes, shows without filling the trail.
    /// </summary>
    public static Task RecordRefusalAsync(HttpContext http)
    {
        if (!FirstIn(LastRefusal, Origin(http), 60_000))
            return Task.CompletedTask;
        var presented = http.Request.Headers.Authorization.Count > 0 ? "a wrong token" : "no token";
        return RecordAsync(http, "token-refused", null, $"{http.Request.Method} {http.Request.Path} with {presented}");
    }

    /// <summary>Whether <paramref name="key"/> was not seen within <paramref name="milliseconds"/>; notes it as seen now.</summary>
    private static bool FirstIn(ConcurrentDictionary<string, long> seen, string key, long milliseconds)
    {
        if (seen.Count > 10_000)
            seen.Clear(); // many addresses (a scan): the memory stays bounded, and the next of each is recorded again
        var now = Environment.TickCount64;
        var last = seen.GetOrAdd(key, long.MinValue);
        return (last == long.MinValue || now - last >= milliseconds) && seen.TryUpdate(key, now, last);
    }

    /// <summary>
    /// Records that a user's own token was used, at most once an hour per user and address: who connected from where, without an
    /// entry per hook.
    /// </summary>
    public static Task RecordUseAsync(HttpContext http, Caller caller)
    {
        if (!caller.Named || !FirstIn(LastUse, caller.Name + " " + Origin(http), 3_600_000))
            return Task.CompletedTask;
        return RecordAsync(http, "token-used", null, $"{caller.Role.ToString().ToLowerInvariant()} token, first {http.Request.Method} {http.Request.Path} this hour");
    }

    private static async Task RecordAsync(IServiceProvider services, AuditRecorded entry, CancellationToken cancellationToken)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("SessionManagement.Audit");
        logger.LogInformation("Audit: {Action} of {SessionId} by {Actor} from {Origin}: {Detail}", entry.Action, entry.SessionId ?? "-", entry.Actor,
            entry.Origin, entry.Detail ?? "");
        if (services.GetService<IBus>() is not { } publish)
            return;
        try
        {
            await publish.Publish(entry, CancellationToken.None); // recorded even when the client has gone
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Audit entry {AuditId} ({Action} of {SessionId}) could not be published: {Problem}", entry.AuditId, entry.Action,
                entry.SessionId ?? "-", error.Message);
        }
    }
}
