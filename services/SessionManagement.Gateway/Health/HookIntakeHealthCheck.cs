using Microsoft.Extensions.Diagnostics.HealthChecks;
using SessionManagement.Gateway.Accept;
using SessionManagement.Gateway.Spool;

namespace SessionManagement.Gateway.Health;

/// <summary>
/// Ready only while hooks can be kept: the broker confirms them (or, embedded, the accepted-events log takes them) and the
/// spool, where they go otherwise, can be written.
/// </summary>
internal sealed class HookIntakeHealthCheck(IHookAcceptor acceptor, GatewaySpool spool) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (acceptor.Unavailable is { } why)
            return Task.FromResult(HealthCheckResult.Unhealthy($"hooks are spooled: {why}"));
        if (spool.Directory.WritableProblem() is { } problem)
            return Task.FromResult(HealthCheckResult.Unhealthy($"spool not writable: {problem}"));
        return Task.FromResult(HealthCheckResult.Healthy("hooks are kept; the spool is writable"));
    }
}
