using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;
using SessionManagement.Hosting.Health;
using SessionManagement.Hosting.Instances;

namespace SessionManagement.Hosting.Modules;

public static class SessionManagementEndpoints
{
    /// <summary>
    /// Every process serves <c>/healthz</c> (alive), <c>/readyz</c> (broker and store reachable),
    /// <c>/metrics</c> (Prometheus text) and <c>/api/instances</c>; then each module's own routes.
    /// </summary>
    public static WebApplication MapSessionManagement(this WebApplication app)
    {
        Security.ListenerGuard.Use(app);
        Security.CrossSiteGuard.Use(app);
        app.UseHttpMetrics();
        Http.ModuleFaults.Use(app);

        var current = app.Services.GetRequiredService<CurrentHostInstance>();
        app.MapGet("/healthz", () => Results.Ok(new
        {
            status = "alive",
            instanceId = current.InstanceId,
            version = CurrentHostInstance.Version,
            targets = current.Targets,
        }));
        app.MapHealthChecks("/readyz", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("ready"),
            ResponseWriter = HealthResponseWriter.WriteAsync,
            // Degraded is not ready either: the bus reports a lost broker connection as degraded while it reconnects.
            ResultStatusCodes =
            {
                [Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy] = StatusCodes.Status200OK,
                [Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
                [Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        });
        Storage.StorageUsageMetrics.Register(app.Services);
        Bus.QueueDepthMetrics.Register(app.Services);
        app.MapMetrics("/metrics");
        app.MapGet("/api/instances", async (IHostInstanceStore store, int? limit, CancellationToken cancellationToken) =>
            Results.Ok(await store.ListRecentAsync(Math.Clamp(limit ?? 50, 1, 500), cancellationToken)));

        foreach (var map in app.Services.GetRequiredService<SessionManagementBuilder>().Routes)
            map(app);
        return app;
    }
}
