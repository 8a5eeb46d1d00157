using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SessionManagement.Bridge;
using SessionManagement.Contracts.Status;
using SessionManagement.Hosting.Instances;
using SessionManagement.Hosting.Options;

namespace SessionManagement.Gateway.Capture;

/// <summary>
/// What the status module knows for the status row (last save, last backup, damage), asked with a short deadline:
/// the row is drawn on every assistant message and must not wait. No answer in time means the row without it.
/// </summary>
internal sealed class SessionStatusLookup(IServiceProvider services, IOptions<BusOptions> bus, CurrentHostInstance host, TimeProvider time)
{
    public const int DeadlineMs = 150;

    private readonly bool _statusReachable =
        bus.Value.Transport == BusTransport.RabbitMq || host.Targets.Contains("status", StringComparer.OrdinalIgnoreCase);

    public async Task<StatusExtras> AddToAsync(StatusExtras extras, string sessionId, CancellationToken cancellationToken)
    {
        if (!_statusReachable)
            return extras;
        try
        {
            using var scope = services.CreateScope();
            var client = scope.ServiceProvider.GetRequiredService<IRequestClient<GetSessionStatus>>();
            var response = await client.GetResponse<SessionStatusFound, SessionStatusUnknown>(new GetSessionStatus(sessionId), cancellationToken,
                RequestTimeout.After(ms: DeadlineMs));
            if (!response.Is(out Response<SessionStatusFound>? found))
                return extras;
            var s = found.Message;
            var now = time.GetUtcNow();
            var warnings = new List<string>(extras.Warnings);
            if (s.Corrupted)
                warnings.Add("session data damaged");
            if (s.BackupFailed)
                warnings.Add("backup failed");
            return extras with { SinceSave = now - s.LastSavedAt, SinceBackup = now - s.LastBackupAt, StatusKnown = true, Warnings = warnings };
        }
        catch (RequestTimeoutException)
        {
            return extras;
        }
    }
}
