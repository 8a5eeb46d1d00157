using MassTransit;
using SessionManagement.Contracts.Saver;
using SessionManagement.Saver.Recovery;
using SessionManagement.Saver.Sessions;
using SessionManagement.Saver.Storage;

namespace SessionManagement.Saver.Consumers;

/// <summary>Answers the read API's session requests from the saver's store.</summary>
/// <remarks>Every session answered is checked (checksum, schema) and recovered or migrated first.</remarks>
public sealed class SessionQueriesConsumer(ISessionStore store, SessionRecovery recovery)
    : IConsumer<ListSessions>, IConsumer<GetSession>, IConsumer<UseSession>, IConsumer<GetSessionOwner>, IConsumer<GetSessionEvents>
{
    public const int MaxPage = 500;

    public async Task Consume(ConsumeContext<ListSessions> context)
    {
        var request = context.Message;
        SessionStatus? status = null;
        if (request.Status is not null)
            status = Enum.TryParse<SessionStatus>(request.Status, ignoreCase: true, out var parsed) ? parsed
                : throw new ArgumentException($"status must be one of {string.Join(", ", Enum.GetNames<SessionStatus>())}");
        var order = request.Sort is null ? SessionOrder.Recent
            : Enum.TryParse<SessionOrder>(request.Sort, ignoreCase: true, out var sort) && !int.TryParse(request.Sort, out _) ? sort
            : throw new ArgumentException($"sort must be one of {string.Join(", ", Enum.GetNames<SessionOrder>().Select(n => n.ToLowerInvariant()))}");
        var list = await store.ListAsync(new SessionQuery(request.ProjectDir, status, request.Since, request.Until,
            Math.Max(0, request.Skip), Math.Clamp(request.Limit, 1, MaxPage), request.User, request.GitBranch, order, request.ParentSessionId, request.IdPrefix), context.CancellationToken);
        var sessions = list.Sessions.ToList();
        if (request is { Starting: { } starting, ProjectDir: { } project, Skip: 0 } && await ChosenAsync(project, starting, context.CancellationToken) is { } chosen)
        {
            sessions.RemoveAll(s => s.SessionId == chosen.SessionId);
            sessions.Insert(0, chosen);
        }
        var checkedSessions = new List<SessionSummary>(sessions.Count);
        foreach (var session in sessions)
            checkedSessions.Add(Summary(await recovery.CheckAsync(session, context, context.CancellationToken)));
        await context.RespondAsync(new SessionsListed(list.Total, checkedSessions));
    }

    /// <summary>
    /// The session chosen for <paramref name="projectDir"/> (<c>smctl use</c>), while it stands: until a session of the project other
    /// than it and than <paramref name="starting"/> (the one whose SessionStart asks) has started since the choice.
    /// </summary>
    private async Task<SessionState?> ChosenAsync(string projectDir, string starting, CancellationToken cancellationToken)
    {
        if (await store.ChosenAsync(projectDir, cancellationToken) is not { } choice || choice.SessionId == starting)
            return null;
        var since = await store.ListAsync(new SessionQuery(projectDir, null, choice.At, null, 0, MaxPage), cancellationToken);
        if (since.Sessions.Any(s => s.StartedAt > choice.At && s.SessionId != choice.SessionId && s.SessionId != starting))
            return null;
        return await store.GetAsync(choice.SessionId, cancellationToken);
    }

    /// <summary>A session's timeline: its events without their payloads, each with the line that says what it was.</summary>
    public async Task Consume(ConsumeContext<GetSessionEvents> context)
    {
        var request = context.Message;
        var (total, events) = await store.EventsAsync(request.SessionId, request.Names?.Distinct(StringComparer.Ordinal).ToList() ?? [],
            Math.Max(0, request.Skip), Math.Clamp(request.Limit, 1, MaxPage), context.CancellationToken);
        await context.RespondAsync(new SessionEventsListed(request.SessionId, total, events.Select(EventDetail.View).ToList()));
    }

    public async Task Consume(ConsumeContext<GetSessionOwner> context) =>
        await context.RespondAsync(new SessionOwner(context.Message.SessionId, await store.OwnerAsync(context.Message.SessionId, context.CancellationToken)));

    public async Task Consume(ConsumeContext<UseSession> context)
    {
        var request = context.Message;
        if (await recovery.LoadAsync(request.SessionId, context, context.CancellationToken) is not { } state)
        {
            await context.RespondAsync(new SessionNotFound(request.SessionId));
            return;
        }
        var project = state.ProjectDir;
        if (project.Length == 0)
            throw new ArgumentException($"session {request.SessionId} has no project: it cannot be its project's next start");
        await store.ChooseAsync(project, state.SessionId, request.At, context.CancellationToken);
        var used = new SessionUsed(state.SessionId, project, request.At);
        await context.Publish(used, context.CancellationToken);
        await context.RespondAsync(used);
    }

    public async Task Consume(ConsumeContext<GetSession> context)
    {
        if (await recovery.LoadAsync(context.Message.SessionId, context, context.CancellationToken) is { } state)
            await context.RespondAsync(new SessionFound(Summary(state)));
        else
            await context.RespondAsync(new SessionNotFound(context.Message.SessionId));
    }

    public static SessionSummary Summary(SessionState s) => new(s.SessionId, s.ProjectDir, s.Cwd, s.Model, s.Source, s.ParentSessionId,
        s.Status.ToString(), s.StartedAt, s.LastEventAt, s.EndedAt, s.EndReason, s.EventCount, s.Prompts, s.ToolCalls, s.ToolFailures,
        s.Compactions, s.Version, s.SchemaVersion, s.Checksum, s.Subagents, s.Notifications, s.GitBranch, s.Title);
}
