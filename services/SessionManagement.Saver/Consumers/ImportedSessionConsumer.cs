using MassTransit;
using Microsoft.Extensions.Logging;
using SessionManagement.Contracts.Chat;
using SessionManagement.Saver.Storage;

namespace SessionManagement.Saver.Consumers;

/// <summary>
/// An imported transcript whose session no hook ever reached (it ran while nothing listened, or before we were installed)
/// becomes a session like any other: its project, model, times and counts from what its transcript says, ended at its last
/// line. A session the hooks reached keeps the state its events give. The transcripts summarized within a batch's time are kept
/// in one write.
/// </summary>
public sealed class ImportedSessionConsumer(ISessionStore store, ILogger<ImportedSessionConsumer> logger) : IConsumer<Batch<TranscriptSummarized>>
{
    public async Task Consume(ConsumeContext<Batch<TranscriptSummarized>> context)
    {
        var transcripts = context.Message.Select(m => m.Message).ToList();
        var lines = transcripts.GroupBy(t => t.SessionId).ToDictionary(g => g.Key, g => g.Last().Lines);
        foreach (var stored in await store.AdoptTranscriptsAsync(transcripts, context.CancellationToken))
            logger.LogInformation("Imported session {SessionId} kept from its transcript: {Lines} lines, {Prompts} prompts, {Start:u} to {End:u}",
                stored.SessionId, lines[stored.SessionId], stored.Prompts, stored.StartedAt, stored.EndedAt);
    }
}
