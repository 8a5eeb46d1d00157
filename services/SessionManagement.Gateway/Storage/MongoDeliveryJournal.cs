using MongoDB.Driver;
using SessionManagement.Gateway.Journal;

namespace SessionManagement.Gateway.Storage;

internal sealed class MongoDeliveryJournal : IDeliveryJournal
{
    private const int DuplicateKey = 11000;
    private readonly IMongoCollection<DeliveryRecord> _records;

    public MongoDeliveryJournal(IMongoDatabase database)
    {
        GatewayMongoCollections.RegisterMaps();
        _records = database.GetCollection<DeliveryRecord>(GatewayMongoCollections.DeliveryJournal);
    }

    public async Task AppendAsync(IReadOnlyList<DeliveryRecord> records, CancellationToken cancellationToken)
    {
        if (records.Count == 0)
            return;
        try
        {
            await _records.InsertManyAsync(records, new InsertManyOptions { IsOrdered = false }, cancellationToken);
        }
        catch (MongoBulkWriteException<DeliveryRecord> error) when (error.WriteErrors.All(e => e.Code == DuplicateKey))
        {
            // Already journaled: the first record of an event id stands, unless it was refused and has now been taken (smctl errors replay --rejected).
            foreach (var taken in error.WriteErrors.Select(e => records[e.Index]).Where(r => r.Status == DeliveryStatus.Published))
                await _records.ReplaceOneAsync(r => r.EventId == taken.EventId && r.Status == DeliveryStatus.Rejected, taken, cancellationToken: cancellationToken);
        }
    }

    public async Task<bool> ContainsAsync(Guid eventId, CancellationToken cancellationToken) =>
        await _records.Find(r => r.EventId == eventId).Limit(1).CountDocumentsAsync(cancellationToken) > 0;

    public async Task<DeliveryRecord?> GetAsync(Guid eventId, CancellationToken cancellationToken) =>
        await _records.Find(r => r.EventId == eventId).FirstOrDefaultAsync(cancellationToken);

    public async Task<IReadOnlyList<DeliveryRecord>> ListAsync(DeliveryStatus? status, int limit, CancellationToken cancellationToken)
    {
        var filter = status is { } wanted
            ? Builders<DeliveryRecord>.Filter.Eq(r => r.Status, wanted)
            : Builders<DeliveryRecord>.Filter.Empty;
        return await _records.Find(filter).SortByDescending(r => r.ReceivedAt).Limit(limit).ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<string>> ForgetInputsAsync(string sessionId, CancellationToken cancellationToken)
    {
        var kept = await _records.Find(r => r.Status == DeliveryStatus.Rejected && r.SessionId == sessionId && (r.RawInput != null || r.RawPath != null))
            .ToListAsync(cancellationToken);
        foreach (var record in kept)
            await _records.ReplaceOneAsync(r => r.EventId == record.EventId,
                record with { RawInput = null, RawPath = null, Reason = record.Reason + DeliveryRecord.InputForgotten }, cancellationToken: cancellationToken);
        return kept.Where(r => r.RawPath is not null).Select(r => r.RawPath!).ToList();
    }
}
