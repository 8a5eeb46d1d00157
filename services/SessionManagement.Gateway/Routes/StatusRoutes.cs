using System.Globalization;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SessionManagement.Contracts.Status;
using SessionManagement.Hosting.Instances;
using SessionManagement.Hosting.Pricing;
using SessionManagement.Hosting.Security;

namespace SessionManagement.Gateway.Routes;

/// <summary>Status and reports: every module's health from the instance registry, a session's live status and the reports, from the status module.</summary>
internal static class StatusRoutes
{
    private static readonly string[] Kinds = ["usage", "performance", "quality", "trends"];
    private static readonly string[] Granularities = ["minute", "hour", "day"];
    private static readonly string[] Groupings = ["period", "project", "user", "model"];

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/api/status", OverviewAsync);
        api.MapGet("/api/status/sessions/{sessionId}", async (ReadApiClient client, string sessionId, CancellationToken cancellationToken) =>
        {
            try
            {
                var response = await client.AskAsync<GetSessionStatus, SessionStatusFound, SessionStatusUnknown>(new GetSessionStatus(sessionId), cancellationToken);
                return response.Is(out Response<SessionStatusFound>? found) ? Results.Ok(found.Message) : ReadApiRoutes.NotFound(sessionId);
            }
            catch (RequestTimeoutException)
            {
                return client.NoAnswer("status");
            }
        }).Allow(AccessRole.Read).AddEndpointFilter<OwnedSessionFilter>();
        api.MapGet("/api/reports/{kind}", ReportAsync);
        // The price a model has (by any of its ids: Bedrock, Vertex, a gateway's), per million tokens, or 404 when it has none: what
        // smctl doctor asks of the models whose tokens were counted without one.
        api.MapGet("/api/prices/{model}", (PriceTable prices, string model) => prices.Find(model) is { } price
            ? Results.Ok(new { model, price.Input, price.Output, price.CacheWrite, price.CacheRead, price.InputAbove200K, price.OutputAbove200K,
                price.CacheWriteAbove200K, price.CacheReadAbove200K, longPrompt = price.LongPrompt is { } longPrompt ? new { longPrompt.Above, longPrompt.Rates.Input,
                    longPrompt.Rates.Output, longPrompt.Rates.CacheWrite, longPrompt.Rates.CacheRead } : null })
            : Results.Json(new { error = $"no price for model '{model}': give it one as {PriceTable.Section}:{model} (Input and Output, dollars per million tokens)" },
                statusCode: StatusCodes.Status404NotFound)).Allow(AccessRole.Read);
    }

    private static async Task<IResult> OverviewAsync(HealthCheckService health, IHostInstanceStore instances, TimeProvider time, CancellationToken cancellationToken)
    {
        var here = await health.CheckHealthAsync(check => check.Tags.Contains("ready"), cancellationToken);
        var now = time.GetUtcNow();
        var known = await instances.ListRecentAsync(200, cancellationToken);
        var modules = known.SelectMany(i => i.Targets.Select(t => (Module: t, Instance: i)))
            .GroupBy(x => x.Module, StringComparer.OrdinalIgnoreCase)
            .OrderBy(g => g.Key, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g =>
            {
                var alive = g.Where(x => x.Instance.IsRunningAt(now)).Select(x => x.Instance).ToList();
                return new
                {
                    status = alive.Count > 0 ? "Healthy" : "Unhealthy",
                    description = alive.Count > 0 ? $"{alive.Count} running" : "no running instance",
                    instances = alive.Select(i => new { i.InstanceId, i.Machine, i.ProcessId, i.Version, i.Transport, i.Storage, i.StartedAt, i.LastSeenAt }),
                };
            });
        return Results.Json(new
        {
            status = here.Status.ToString(),
            checks = here.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
            modules,
        }, statusCode: here.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
    }

    private static async Task<IResult> ReportAsync(ReadApiClient client, TimeProvider time, string kind, string? granularity, string? groupBy, string? from,
        string? to, CancellationToken cancellationToken)
    {
        granularity ??= "day";
        groupBy ??= "period";
        if (!Kinds.Contains(kind))
            return ReadApiRoutes.BadRequest($"report must be one of {string.Join(", ", Kinds)}");
        if (!Granularities.Contains(granularity))
            return ReadApiRoutes.BadRequest($"granularity must be one of {string.Join(", ", Granularities)}");
        if (!Groupings.Contains(groupBy))
            return ReadApiRoutes.BadRequest($"groupBy must be one of {string.Join(", ", Groupings)}");
        if (groupBy == "model" && kind != "usage")
            return ReadApiRoutes.BadRequest("groupBy=model is for the usage report: only tokens and cost are counted per model");
        var now = time.GetUtcNow();
        if (!TryTime(from, now.AddDays(-30), out var start) || !TryTime(to, now.AddMinutes(1), out var end))
            return ReadApiRoutes.BadRequest("from and to must be dates and times such as 2026-11-24T00:00:00Z");
        try
        {
            return Results.Ok(await client.AskAsync<GetReport, ReportReady>(new GetReport(kind, granularity, groupBy, start, end), cancellationToken));
        }
        catch (RequestTimeoutException)
        {
            return client.NoAnswer("status");
        }
    }

    private static bool TryTime(string? text, DateTimeOffset fallback, out DateTimeOffset time)
    {
        time = fallback;
        return text is null || DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time);
    }
}
