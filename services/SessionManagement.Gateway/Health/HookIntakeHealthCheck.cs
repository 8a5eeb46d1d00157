using Microsoft.Extensions.Diagnostics.HealthChecks;
using SessionManagement.Gateway.Accept;
using SessionManagement.Gateway.Spool;

namespace SessionManagement.Gateway.Health;

/// <summary>
/// Ready only while hooks can be kept: the broker confirms them (or, embedded, the accepted-events log takes them) and the
/// spool, where they go otherwise, can be written. Embedded, also only while the modules store what is kept: hooks a module has
/// failed to store for <see cref="HeldBackAfter"/> (a damaged table, a store that refuses every write) make it degraded, naming
/// the module, how many and why, as nothing else would show that sessions stopped being saved.
/// </summary>
internal sealed class HookIntakeHealthCheck(IHookAcceptor acceptor, GatewaySpool spool) : IHealthCheck
{
    /// <summary>How long a module may fail a hook before it counts as held back: the first retries come within seconds.</summary>
    public static readonly TimeSpan HeldBackAfter = TimeSpan.FromSeconds(10);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (acceptor.Unavailable is { } why)
            return Task.FromResult(HealthCheckResult.Unhealthy($"hooks are spooled: {why}"));
        if (spool.Directory.WritableProblem() is { } problem)
            return Task.FromResult(HealthCheckResult.Unhealthy($"spool not writable: {problem}"));
        if (acceptor.HeldBack(HeldBackAfter) is { Count: > 0 } held)
            return Task.FromResult(HealthCheckResult.Degraded(string.Join("; ", held.Select(Describe))));
        return Task.FromResult(HealthCheckResult.Healthy("hooks are kept; the spool is writable"));
    }

    /// <summary>One module's held-back hooks, as readiness and <c>smctl doctor</c> say it.</summary>
    public static string Describe(HeldBackHooks held) =>
        $"{held.Module} has not stored {(held.Hooks == 1 ? "1 hook" : $"{held.Hooks} hooks")} since {held.Since:yyyy-MM-dd HH:mm:ss}Z ({held.LastError}): "
        + "they are kept and handed to it again until it does";
}
