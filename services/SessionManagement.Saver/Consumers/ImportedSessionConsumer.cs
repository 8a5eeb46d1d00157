using MassTransit;
using Microsoft.Extensions.Logging;
using SessionManagement.Contracts.Chat;
using SessionManagement.Saver.Sessions;
using SessionManagement.Saver.Storage;

namespace SessionManagement.Saver.Consumers;

/// <summary>
/// An imported transcript whose session no hook ever reached (it ran while nothing listened, or before we were installed)
/// becomes a session like any other: its project, model, times and counts from what its transcript says, ended at its last
/// line. A session the hooks reached keeps the state its events give.
/// </summary>
public sealed class ImportedSessionConsumer(ISessionStore store, ILogger<ImportedSessionConsumer> logger) : IConsumer<TranscriptSummarized>
{
    public async Task Consume(ConsumeContext<TranscriptSummarized> context)
    {
        var transcript = context.Message;
        if (await store.AdoptTranscriptAsync(transcript, context.CancellationToken) is { } stored)
            logger.LogInformation("Imported session {SessionId} kept from its transcript: {Lines} lines, {Prompts} prompts, {Start:u} to {End:u}",
                stored.SessionId, transcript.Lines, stored.Prompts, stored.StartedAt, stored.EndedAt);
    }
}
