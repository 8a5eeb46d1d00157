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
    public const string Source = "import";

    public async Task Consume(ConsumeContext<TranscriptSummarized> context)
    {
        var transcript = context.Message;
        if (await store.EventCountAsync(transcript.SessionId, context.CancellationToken) > 0)
            return;
        var existing = await store.GetAsync(transcript.SessionId, context.CancellationToken);
        var (started, last) = (Milliseconds(transcript.FirstAt), Milliseconds(transcript.LastAt));
        var state = new SessionState(transcript.SessionId, transcript.Cwd ?? "", transcript.Cwd, transcript.Model, Source, null, SessionStatus.Ended,
            started, last, last, "imported", 0, transcript.Prompts, transcript.ToolCalls, 0, 0, 0, SessionState.CurrentSchemaVersion, "");
        var stored = await store.ReplaceAsync(state, (existing?.Version ?? 0) + 1, context.CancellationToken);
        logger.LogInformation("Imported session {SessionId} kept from its transcript: {Lines} lines, {Prompts} prompts, {Start:u} to {End:u}",
            stored.SessionId, transcript.Lines, stored.Prompts, stored.StartedAt, stored.EndedAt);
    }

    // The finest precision every store keeps (MongoDB dates are milliseconds), so the state reads back as it was sealed.
    private static DateTimeOffset Milliseconds(DateTimeOffset time) =>
        new(time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
}
