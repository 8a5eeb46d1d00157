namespace SessionManagement.Gateway.Journal;

/// <summary>The gateway's record of what it did with each hook: the basis of exactly-once spool replay.</summary>
public interface IDeliveryJournal
{
    /// <summary>Adds records; a record whose event id is already journaled is left as it was, unless it was refused and the new one was taken.</summary>
    Task AppendAsync(IReadOnlyList<DeliveryRecord> records, CancellationToken cancellationToken);

    Task<bool> ContainsAsync(Guid eventId, CancellationToken cancellationToken);

    Task<DeliveryRecord?> GetAsync(Guid eventId, CancellationToken cancellationToken);

    /// <summary>Newest first, optionally only one status.</summary>
    Task<IReadOnlyList<DeliveryRecord>> ListAsync(DeliveryStatus? status, int limit, CancellationToken cancellationToken);
}
