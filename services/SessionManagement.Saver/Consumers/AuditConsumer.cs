using MassTransit;
using SessionManagement.Contracts.Saver;
using SessionManagement.Saver.Storage;

namespace SessionManagement.Saver.Consumers;

/// <summary>
/// Keeps the audit trail every module records to (<see cref="AuditRecorded"/>, once per id; the entries recorded within a batch's time
/// in one write) and answers <see cref="ListAudit"/>.
/// </summary>
public sealed class AuditConsumer(ISessionStore store) : IConsumer<Batch<AuditRecorded>>, IConsumer<ListAudit>
{
    public const int MaxPage = 10_000;

    public Task Consume(ConsumeContext<Batch<AuditRecorded>> context) =>
        store.RecordAuditAsync(context.Message.Select(m => m.Message).ToList(), context.CancellationToken);

    public async Task Consume(ConsumeContext<ListAudit> context)
    {
        var query = context.Message with { Limit = Math.Clamp(context.Message.Limit, 1, MaxPage) };
        await context.RespondAsync(new AuditListed(await store.ListAuditAsync(query, context.CancellationToken)));
    }
}
