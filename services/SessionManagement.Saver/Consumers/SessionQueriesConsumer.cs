using MassTransit;
using SessionManagement.Contracts.Saver;
using SessionManagement.Saver.Recovery;
using SessionManagement.Saver.Sessions;
using SessionManagement.Saver.Storage;

namespace SessionManagement.Saver.Consumers;

/// <summary>Answers the read API's session requests from the saver's store.</summary>
/// <remarks>Every session answered is checked (checksum, schema) and recovered or migrated first.</remarks>
public sealed class SessionQueriesConsumer(ISessionStore store, SessionRecovery recovery) : IConsumer<ListSessions>, IConsumer<GetSession>
{
    public const int MaxPage = 500;

    public async Task Consume(ConsumeContext<ListSessions> context)
    {
        var request = context.Message;
        SessionStatus? status = null;
        if (request.Status is not null)
            status = Enum.TryParse<SessionStatus>(request.Status, ignoreCase: true, out var parsed) ? parsed
                : throw new ArgumentException($"status must be one of {string.Join(", ", Enum.GetNames<SessionStatus>())}");
        var list = await store.ListAsync(new SessionQuery(request.ProjectDir, status, request.Since, request.Until,
            Math.Max(0, request.Skip), Math.Clamp(request.Limit, 1, MaxPage)), context.CancellationToken);
        var checkedSessions = new List<SessionSummary>(list.Sessions.Count);
        foreach (var session in list.Sessions)
            checkedSessions.Add(Summary(await recovery.CheckAsync(session, context, context.CancellationToken)));
        await context.RespondAsync(new SessionsListed(list.Total, checkedSessions));
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
