using System.Collections.Concurrent;
using MassTransit;
using SessionManagement.Contracts.Chat;
using SessionManagement.Saver.Storage;

namespace SessionManagement.Saver.Consumers;

/// <summary>
/// What a session's transcript tells the saver as chat stores its lines: the model its replies name (a session whose SessionStart
/// named none, <c>claude -p</c> or a resume on older versions, takes it from there; each session's model is written once, not with
/// every reply, <see cref="NotedModels"/>), and the titles its lines give it (<c>custom-title</c>, <c>summary</c>).
/// </summary>
public sealed class TranscriptFactsConsumer(ISessionStore store, NotedModels noted) : IConsumer<MessagesAppended>
{
    public async Task Consume(ConsumeContext<MessagesAppended> context)
    {
        var appended = context.Message;
        if (appended.Titles is { Count: > 0 } titles)
            await store.NoteTranscriptTitlesAsync(appended.SessionId, titles, context.CancellationToken);
        // A subagent's replies name its own model (often a smaller one), not the session's.
        if (appended.File is not null || appended.Model is not { } model || noted.Knows(appended.SessionId, model))
            return;
        await store.NoteTranscriptModelAsync(appended.SessionId, model, context.CancellationToken);
        noted.Add(appended.SessionId, model);
    }
}

/// <summary>The models this process has written for sessions lately (at most 10,000 sessions; then it starts again).</summary>
public sealed class NotedModels
{
    private const int Remembered = 10_000;
    private readonly ConcurrentDictionary<string, string> _models = new(StringComparer.Ordinal);

    public bool Knows(string sessionId, string model) => _models.TryGetValue(sessionId, out var known) && known == model;

    public void Add(string sessionId, string model)
    {
        if (_models.Count >= Remembered)
            _models.Clear();
        _models[sessionId] = model;
    }
}
