namespace SessionManagement.Hosting.Instances;

/// <summary>The host instances that have run against this store.</summary>
public interface IHostInstanceStore
{
    /// <summary>Records a start; recording the same instance again replaces it.</summary>
    Task RecordStartAsync(HostInstance instance, CancellationToken cancellationToken);

    /// <summary>Moves an instance's last-seen time forward (never back); false if the instance is unknown.</summary>
    Task<bool> RecordHeartbeatAsync(Guid instanceId, DateTimeOffset seenAt, CancellationToken cancellationToken);

    Task RecordStopAsync(Guid instanceId, DateTimeOffset stoppedAt, CancellationToken cancellationToken);

    Task<HostInstance?> GetAsync(Guid instanceId, CancellationToken cancellationToken);

    /// <summary>The most recently started instances first.</summary>
    Task<IReadOnlyList<HostInstance>> ListRecentAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Proves the store answers: a cheap read.</summary>
    Task PingAsync(CancellationToken cancellationToken);
}
