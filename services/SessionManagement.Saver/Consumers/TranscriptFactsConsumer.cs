using System.Collections.Concurrent;
using MassTransit;
using SessionManagement.Contracts.Chat;
using SessionManagement.Saver.Storage;

namespace SessionManagement.Saver.Consumers;

/// <summary>
/// What a session's transcript tells the saver as chat stores its lines: the model its replies name (a session whose SessionStart
/// named none, <c>claude -p</c> or a resume on older versions, takes it from there; each session's model is written once, not with
/// every reply, <see cref="NotedModels"/>), and the titles its lines give it (<c>custom-title</c>, <c>summary</c>). The batches chat
/// stored within a batch's time are noted in one write: an import of many files writes once for several of them, not once each.
/// </summary>
public sealed class TranscriptFactsConsumer(ISessionStore store, NotedModels noted) : IConsumer<Batch<MessagesAppended>>
{
    public async Task Consume(ConsumeContext<Batch<MessagesAppended>> context)
    {
        var facts = new List<TranscriptFacts>();
        foreach (var appended in context.Message.Select(m => m.Message))
        {
            // A subagent's replies name its own model (often a smaller one), not the session's.
            var model = appended.File is null && appended.Model is { } named && !noted.Knows(appended.SessionId, named) ? named : null;
            // A fork names the session it came from on the replies it copied (chat reads it from the session's own file only).
            if (appended.Titles is { Count: > 0 } || model is not null || appended.ForkedFrom is not null)
                facts.Add(new TranscriptFacts(appended.SessionId, appended.Titles ?? [], model, appended.ForkedFrom));
        }
        if (facts.Count == 0)
            return;
        await store.NoteTranscriptFactsAsync(facts, context.CancellationToken);
        foreach (var fact in facts)
        {
            if (fact.Model is { } model)
                noted.Add(fact.SessionId, model);
        }
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
