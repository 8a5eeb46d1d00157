using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionManagement.Contracts.Chat;
using SessionManagement.Contracts.Context;
using SessionManagement.Contracts.Loader;
using SessionManagement.Contracts.Saver;
using SessionManagement.Hosting.Options;
using SessionManagement.Loader.Cache;

namespace SessionManagement.Loader.Rendering;

/// <summary>
/// Gathers a starting session's context from the modules that own it — state from the saver, recent history from
/// chat, items from context — asking in parallel, each within what is left of the deadline, and renders whatever
/// came back in time. Parts that did not are named, never waited for.
/// </summary>
public sealed class SessionContextAssembler(
    IRequestClient<GetSession> sessions,
    IRequestClient<ListSessions> lists,
    IRequestClient<GetMessages> messages,
    IRequestClient<QueryContext> context,
    RenderedContextCache cache,
    IOptions<ContextManagementOptions> contextOptions,
    TimeProvider time,
    ILogger<SessionContextAssembler> logger)
{
    public const int RecentMessages = 40;

    /// <summary>
    /// The latest prompts, asked for apart from the recent messages: a turn of many tool calls fills the recent messages with
    /// tool uses and results, and the thread (the last prompt, the prompts before it) must not fall out of them.
    /// </summary>
    public const int RecentPrompts = 6;

    /// <summary>Context items gathered per start: far more than 10,000 characters can show, and bounded.</summary>
    public const long ContextBytes = 256 * 1024;

    /// <summary>The share of the time left that the parts may take; the rest is for rendering and the answer's trip back.</summary>
    private const double PartsShare = 0.75;

    public static string CacheKey(LoadSession request) => request.Source is "resume" or "fork" or "compact" or "clear"
        ? $"{request.Source}|{request.SessionId}|{request.Cwd}|{request.User}|{request.MaxCharacters}"
        : $"startup|{request.Cwd}|{request.User}|{request.MaxCharacters}";

    public async Task<SessionLoaded> LoadAsync(LoadSession request, CancellationToken cancellationToken)
    {
        var key = CacheKey(request);
        if (cache.TryGet(key, out var cached))
            return new SessionLoaded(request.RequestId, request.SessionId, cached, [], time.GetUtcNow(), FromCache: true);

        var generation = cache.Generation;
        var budget = (request.Deadline - time.GetUtcNow()) * PartsShare;
        if (budget < TimeSpan.FromMilliseconds(20))
            budget = TimeSpan.FromMilliseconds(20);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(budget);
        var timeout = RequestTimeout.After(ms: (int)budget.TotalMilliseconds);

        var own = AskAsync(async () =>
        {
            var answer = await sessions.GetResponse<SessionFound, SessionNotFound>(new GetSession(request.SessionId), deadline.Token, timeout);
            return new OwnSession(answer.Is(out Response<SessionFound>? found) ? found.Message.Session : null);
        }, "state");
        var listed = request.Cwd is null
            ? Task.FromResult<Response<SessionsListed>?>(null)
            : AskAsync(() => lists.GetResponse<SessionsListed>(new ListSessions(request.Cwd, null, null, null, 0, 3, Starting: request.SessionId), deadline.Token, timeout), "state");
        var items = AskAsync(() => context.GetResponse<ContextItemsFound>(
            new QueryContext(request.SessionId, request.Cwd, request.User, null, Math.Min(ContextBytes, contextOptions.Value.MaxContextSize)), deadline.Token, timeout), "context");
        // State first (it says whose history to fetch); context keeps coming meanwhile, and a stalled part holds up no other.
        await Task.WhenAll(own, listed);
        Task<Response<MessagesPage>?> page = Task.FromResult<Response<MessagesPage>?>(null);
        Task<Response<MessagesPage>?> prompts = Task.FromResult<Response<MessagesPage>?>(null);
        Task<Response<ContextItemsFound>?> targetItems = Task.FromResult<Response<ContextItemsFound>?>(null);
        SessionSummary? target = null;
        // What the render was made from: the starting session and each it looked at. One passed over for holding no message yet
        // is among them, as its first message makes it the one to render from.
        var madeFrom = new List<string> { request.SessionId };
        foreach (var candidate in Targets(request, own.Result?.Session, listed.Result?.Message))
        {
            target = candidate;
            if (candidate is not null)
                madeFrom.Add(candidate.SessionId);
            var historyOf = candidate?.SessionId ?? request.SessionId;
            page = AskAsync(() => messages.GetResponse<MessagesPage>(
                new GetMessages(historyOf, 0, RecentMessages, false, false, Latest: true), deadline.Token, timeout), "chat");
            prompts = AskAsync(() => messages.GetResponse<MessagesPage>(
                new GetMessages(historyOf, 0, RecentPrompts, false, false, Latest: true, Role: "user"), deadline.Token, timeout), "chat");
            // Another session continued (a clear, or a resume under a new id): its own items (compaction summaries) come too.
            if (historyOf != request.SessionId)
                targetItems = AskAsync(() => context.GetResponse<ContextItemsFound>(
                    new QueryContext(historyOf, null, null, null, ContextBytes), deadline.Token, timeout), "context");
            await Task.WhenAll(page, prompts);
            // A session Claude Code started and ended before any prompt (opened and closed again) holds no message: the one before it
            // has the thread to hand back. The saver cannot tell them apart, as a session's prompts may have come by its transcript alone.
            if (page.Result is not { Message.Total: 0 })
                break;
        }
        await Task.WhenAll(targetItems, items);

        var missing = new List<string>();
        if (own.Result is null || (request.Cwd is not null && listed.Result is null))
            missing.Add("state");
        if (target is not null && (page.Result is null || prompts.Result is null))
            missing.Add("chat");
        if (items.Result is null)
            missing.Add("context");
        var contextItems = items.Result?.Message.Items.ToList();
        // The other session's private items stay with it: they never reach this one.
        if (targetItems.Result is { } more && contextItems is not null)
            contextItems.InsertRange(0, more.Message.Items.Where(i => !i.Private && contextItems.All(c => c.ItemId != i.ItemId)));
        var recent = Merge(page.Result?.Message.Messages, prompts.Result?.Message.Messages);

        var parts = new LoadedParts(request.Source, target, recent, contextItems, missing);
        var rendered = ContextRenderer.Render(parts, Math.Min(request.MaxCharacters, contextOptions.Value.MaxInjectedChars));
        // A startup render is shared by the project's next starts: one that shows a session's private item is not kept for them.
        var sharedByOthers = !key.StartsWith("startup|", StringComparison.Ordinal)
            || contextItems?.Any(i => i.Private && (i.SourceSessionId ?? i.SessionId) is not null) != true;
        if (request.WarmUp)
        {
            logger.LogDebug("SessionStart path warmed up{Missing}", missing.Count == 0 ? "" : " without " + string.Join(", ", missing));
        }
        else if (missing.Count == 0)
        {
            if (sharedByOthers)
                cache.TryAdd(key, rendered, madeFrom.Distinct().ToList(), request.Cwd, request.User, generation, contextItems?.Min(i => i.ExpiresAt));
        }
        else
        {
            logger.LogInformation("SessionStart context for {SessionId} ({Source}) rendered without {Missing}: not answered within {Budget} ms",
                request.SessionId, request.Source, string.Join(", ", missing), (int)budget.TotalMilliseconds);
        }
        return new SessionLoaded(request.RequestId, request.SessionId, rendered, missing, time.GetUtcNow());
    }

    /// <summary>
    /// The sessions whose state and history to hand back, the first that holds messages taken: for resume, fork, compact and
    /// clear the session itself if it has history, else (a new id, as older Claude Code versions give on resume) the project's
    /// previous sessions, latest first; on startup, the project's previous sessions. A warm-up continues no session (null): it
    /// asks for its own history (there is none) so that chat's path is taken too.
    /// </summary>
    private static IReadOnlyList<SessionSummary?> Targets(LoadSession request, SessionSummary? self, SessionsListed? listed)
    {
        var continues = request.Source is "resume" or "fork" or "compact" or "clear";
        if (continues && self is { EventCount: > 1 })
            return [self];
        var previous = listed?.Sessions.Where(s => s.SessionId != request.SessionId).ToList<SessionSummary?>() ?? [];
        return previous.Count == 0 && request.WarmUp ? [null] : previous;
    }

    /// <summary>The recent messages with the latest prompts that came before them, in order, each once.</summary>
    private static IReadOnlyList<ChatMessageView>? Merge(IReadOnlyList<ChatMessageView>? recent, IReadOnlyList<ChatMessageView>? prompts)
    {
        if (recent is null || prompts is not { Count: > 0 })
            return recent;
        var keys = recent.Select(m => m.Key).ToHashSet(StringComparer.Ordinal);
        var earlier = prompts.Where(p => !keys.Contains(p.Key) && (recent.Count == 0 || p.Timestamp <= recent[0].Timestamp));
        return [.. earlier, .. recent];
    }

    /// <summary>The saver's answer about the starting session itself: null when it has no such session yet.</summary>
    private sealed record OwnSession(SessionSummary? Session);

    private async Task<T?> AskAsync<T>(Func<Task<T>> ask, string part) where T : class
    {
        try
        {
            return await ask();
        }
        catch (Exception error) when (error is RequestTimeoutException or OperationCanceledException or RequestFaultException)
        {
            logger.LogDebug("The {Part} part of a SessionStart context did not come: {Error}", part, error.GetType().Name);
            return null;
        }
    }
}
