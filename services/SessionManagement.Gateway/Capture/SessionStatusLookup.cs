using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SessionManagement.Bridge;
using SessionManagement.Contracts.Status;
using SessionManagement.Gateway.Routes;
using SessionManagement.Hosting.Instances;
using SessionManagement.Hosting.Options;

namespace SessionManagement.Gateway.Capture;

/// <summary>
/// What the status module knows for the status row (last save, last backup, damage), asked with a short deadline:
/// the row is drawn on every assistant message and must not wait. No answer in time, or a failed one, means the row without it.
/// </summary>
internal sealed class SessionStatusLookup(IServiceProvider services, IOptions<BusOptions> bus, CurrentHostInstance host, IHostInstanceStore instances,
    TimeProvider time)
{
    public const int DeadlineMs = 150;

    private static readonly TimeSpan RecheckEvery = TimeSpan.FromSeconds(30);
    private readonly bool _local = host.Targets.Contains("status", StringComparer.OrdinalIgnoreCase);
    private (bool Running, DateTimeOffset CheckedAt) _remote = (false, DateTimeOffset.MinValue);

    /// <summary>
    /// <paramref name="extras"/> with what the status module knows of the session, if it answers within <see cref="DeadlineMs"/>
    /// (or <paramref name="wait"/>: the warm-up at start waits longer).
    /// </summary>
    public async Task<StatusExtras> AddToAsync(StatusExtras extras, string sessionId, CancellationToken cancellationToken, TimeSpan? wait = null)
    {
        if (!_local && !await RemoteStatusRunningAsync(cancellationToken))
            return extras;
        try
        {
            using var scope = services.CreateScope();
            var client = scope.ServiceProvider.GetRequiredService<IRequestClient<GetSessionStatus>>();
            var response = await client.GetResponse<SessionStatusFound, SessionStatusUnknown>(new GetSessionStatus(sessionId), cancellationToken,
                RequestTimeout.After(ms: (int)(wait?.TotalMilliseconds ?? DeadlineMs)));
            if (!response.Is(out Response<SessionStatusFound>? found))
                return extras;
            var s = found.Message;
            var now = time.GetUtcNow();
            var warnings = new List<string>(extras.Warnings);
            if (s.Corrupted)
                warnings.Add("session data damaged");
            if (s.BackupFailed)
                warnings.Add("backup failed");
            // The gateway counts a session's hooks since it started; the saver's count holds those of its earlier runs too.
            return extras with
            {
                EventsCaptured = Math.Max(extras.EventsCaptured, s.EventsSaved), SinceSave = now - s.LastSavedAt, SinceBackup = now - s.LastBackupAt,
                StatusKnown = true, Warnings = warnings,
            };
        }
        catch (Exception error) when (ReadApiClient.Unanswered(error))
        {
            return extras; // the status module failing on the question (its store, say) leaves the row as no answer does
        }
    }

    /// <summary>Over RabbitMQ a status module may run elsewhere: the instance registry says whether one does (rechecked every 30 s), so a row is never held up asking no one.</summary>
    private async Task<bool> RemoteStatusRunningAsync(CancellationToken cancellationToken)
    {
        if (bus.Value.Transport != BusTransport.RabbitMq)
            return false;
        var now = time.GetUtcNow();
        if (now - _remote.CheckedAt < RecheckEvery)
            return _remote.Running;
        var recent = await instances.ListRecentAsync(100, cancellationToken);
        var running = recent.Any(i => i.IsRunningAt(now) && i.Targets.Contains("status", StringComparer.OrdinalIgnoreCase));
        _remote = (running, now);
        return running;
    }
}
