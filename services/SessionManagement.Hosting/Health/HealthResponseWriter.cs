using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SessionManagement.Hosting.Health;

/// <summary>Writes a health report as JSON: overall status and each check's status, reason and figures (the store's free space).</summary>
internal static class HealthResponseWriter
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            durationMs = report.TotalDuration.TotalMilliseconds,
            checks = report.Entries.ToDictionary(
                entry => entry.Key,
                entry => new
                {
                    status = entry.Value.Status.ToString(),
                    description = entry.Value.Description,
                    data = Figures(entry.Value.Data),
                }),
        };
        return JsonSerializer.SerializeAsync(context.Response.Body, body, cancellationToken: context.RequestAborted);
    }

    /// <summary>A check's plain figures; what a library's check adds beside them (MassTransit lists every endpoint) is left out.</summary>
    private static Dictionary<string, object>? Figures(IReadOnlyDictionary<string, object> data)
    {
        var figures = data.Where(d => d.Value is long or int or double or bool or string).ToDictionary(d => d.Key, d => d.Value);
        return figures.Count == 0 ? null : figures;
    }
}
