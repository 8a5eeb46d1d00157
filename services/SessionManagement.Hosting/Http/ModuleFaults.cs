using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SessionManagement.Hosting.Http;

/// <summary>
/// A module that failed on a request the route asked it (its consumer threw, after the bus's retries) is answered as 502, naming the
/// module and what went wrong, at once: not as a bare 500, nor after the route's timeout as if no module were running.
/// </summary>
public static class ModuleFaults
{
    private const int MostOfTheReason = 300;

    public static void Use(IApplicationBuilder app) => app.Use(next => context => AnswerAsync(context, next));

    internal static async Task AnswerAsync(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (RequestFaultException fault) when (!context.Response.HasStarted)
        {
            context.Response.StatusCode = StatusCodes.Status502BadGateway;
            await context.Response.WriteAsJsonAsync(new { error = Told(context, fault) });
        }
    }

    /// <summary>
    /// What a module's failure on a route's request is told by, logged as it is told: <c>the chat module failed on GetMessages: …</c>. The
    /// API answers it as JSON (<see cref="AnswerAsync"/>), the web view as a page.
    /// </summary>
    public static string Told(HttpContext context, RequestFaultException fault)
    {
        var module = ModuleOf(fault.RequestType);
        var reason = fault.Fault?.Exceptions.FirstOrDefault()?.Message ?? fault.Message;
        reason = reason.Length > MostOfTheReason ? reason[..MostOfTheReason] + "…" : reason;
        context.RequestServices.GetService<ILoggerFactory>()?.CreateLogger(typeof(ModuleFaults)).LogWarning(
            "{Method} {Path}: the {Module} module failed on {Request}: {Reason}", context.Request.Method, context.Request.Path, module,
            ShortName(fault.RequestType), reason);
        return $"the {module} module failed on {ShortName(fault.RequestType)}: {reason}";
    }

    /// <summary>The module a request is for, by its contract's namespace: <c>SessionManagement.Contracts.Chat.ListTranscriptFiles</c>, chat.</summary>
    internal static string ModuleOf(string? requestType)
    {
        var parts = (requestType ?? "").Split('.');
        var contracts = Array.IndexOf(parts, "Contracts");
        return contracts >= 0 && contracts + 2 < parts.Length ? parts[contracts + 1].ToLowerInvariant() : "answering";
    }

    private static string ShortName(string? requestType) => requestType?.Split('.', '+').Last() ?? "a request";
}
