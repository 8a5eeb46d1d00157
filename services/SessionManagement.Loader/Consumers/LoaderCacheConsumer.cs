using MassTransit;
using Microsoft.Extensions.Options;
using SessionManagement.Contracts.Chat;
using SessionManagement.Contracts.Context;
using SessionManagement.Contracts.Loader;
using SessionManagement.Contracts.Saver;
using SessionManagement.Hosting.Options;
using SessionManagement.Loader.Cache;
using SessionManagement.Loader.Rendering;

namespace SessionManagement.Loader.Consumers;

/// <summary>
/// Keeps the rendered-context cache true: a saved session, new messages or changed context drop what was made from
/// them. When a session ends, its next start is rendered ahead (<c>performance.preload_recent</c> above 0): the resume
/// of that session and the next startup in its project.
/// </summary>
public sealed class LoaderCacheConsumer(RenderedContextCache cache, SessionContextAssembler assembler, IOptions<PerformanceOptions> performance)
    : IConsumer<SessionSaved>, IConsumer<MessagesAppended>, IConsumer<ContextUpdated>, IConsumer<SessionStarted>, IConsumer<SessionEnded>,
        IConsumer<SessionUsed>, IConsumer<SessionDeleted>
{
    private static readonly TimeSpan PreloadDeadline = TimeSpan.FromSeconds(5);

    /// <summary>What the gateway asks for (Claude Code's hook output limit), so the preloaded entry is the one it will look up.</summary>
    private const int MaxCharacters = 10_000;

    public Task Consume(ConsumeContext<SessionSaved> context)
    {
        cache.Invalidate(sessionId: context.Message.SessionId);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<MessagesAppended> context)
    {
        cache.Invalidate(sessionId: context.Message.SessionId);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<ContextUpdated> context)
    {
        var m = context.Message;
        cache.Invalidate(m.SessionId, m.Scope is "project" or "team" or "session" ? m.ProjectDir : null, m.Scope == "user" ? m.User : null);
        if (m.Scope == "team")
            cache.Invalidate(); // team items reach every project: drop what may hold them at the next change
        return Task.CompletedTask;
    }

    /// <summary>A session deleted: every rendering may show it (its project's next start, as the last session there), so all go.</summary>
    public Task Consume(ConsumeContext<SessionDeleted> context)
    {
        cache.Invalidate();
        return Task.CompletedTask;
    }

    /// <summary>A session chosen as its project's last (<c>smctl use</c>): the project's next start renders from it, not from what was cached.</summary>
    public Task Consume(ConsumeContext<SessionUsed> context)
    {
        cache.Invalidate(projectDir: context.Message.ProjectDir);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<SessionStarted> context)
    {
        cache.Invalidate(sessionId: context.Message.SessionId, projectDir: context.Message.Cwd);
        return Task.CompletedTask;
    }

    public async Task Consume(ConsumeContext<SessionEnded> context)
    {
        cache.Invalidate(sessionId: context.Message.SessionId);
        if (performance.Value.PreloadRecent == 0)
            return;
        var ended = context.Message;
        var deadline = DateTimeOffset.UtcNow + PreloadDeadline;
        var resume = await assembler.LoadAsync(new LoadSession(Guid.NewGuid(), ended.SessionId, "resume", ended.ProjectDir, MaxCharacters, deadline, ended.User),
            context.CancellationToken);
        if (ended.ProjectDir is not null && resume.MissingParts.Count == 0)
            await assembler.LoadAsync(new LoadSession(Guid.NewGuid(), "preload-" + Guid.NewGuid().ToString("N"), "startup", ended.ProjectDir, MaxCharacters,
                deadline, ended.User), context.CancellationToken);
    }
}
