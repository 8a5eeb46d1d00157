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

    /// <summary>
    /// Forgets what was kept of the session's refused inputs (the session deleted for good): their records stay, saying so, without their
    /// bytes, overwritten where the store can. Returns the files their heads were kept in, for the caller to delete.
    /// </summary>
    Task<IReadOnlyList<string>> ForgetInputsAsync(string sessionId, CancellationToken cancellationToken);
}
