using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SessionManagement.Contracts.Chat;
using SessionManagement.Contracts.Context;
using SessionManagement.Contracts.Loader;
using SessionManagement.Contracts.Saver;
using SessionManagement.Hosting.Options;
using SessionManagement.Loader.Cache;
using SessionManagement.Loader.Rendering;

namespace SessionManagement.Loader.Tests;

/// <summary>
/// A cached startup context names every session it was made from: one passed over for holding no message yet (a session that has
/// just started, or whose lines are still on their way) drops the render when its first message comes, instead of leaving the
/// project's next start with the session before it.
/// </summary>
public sealed class RenderedFromTests
{
    private const string Project = "/work/rendered-from";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task When_a_session_passed_over_for_holding_no_message_gets_one_Should_drop_the_startup_context_rendered_without_it()
    {
        var (newer, older) = ("newer-session", "older-session");
        await using var provider = new ServiceCollection()
            .AddMassTransitTestHarness(bus =>
            {
                bus.AddHandler<GetSession>(c => c.RespondAsync(new SessionNotFound(c.Message.SessionId)));
                bus.AddHandler<ListSessions>(c => c.RespondAsync(new SessionsListed(2, [Summary(newer, 1), Summary(older, 4)])));
                bus.AddHandler<GetMessages>(c => c.RespondAsync(c.Message.SessionId == older
                    ? new MessagesPage(older, 1, 0, [Prompt("alpha: migrate the billing tables")])
                    : new MessagesPage(c.Message.SessionId, 0, 0, [])));
                bus.AddHandler<QueryContext>(c => c.RespondAsync(new ContextItemsFound([], 0)));
                bus.AddRequestClient<GetSession>();
                bus.AddRequestClient<ListSessions>();
                bus.AddRequestClient<GetMessages>();
                bus.AddRequestClient<QueryContext>();
            })
            .BuildServiceProvider(true);
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        var cache = new RenderedContextCache(Options.Create(new PerformanceOptions()), TimeProvider.System);
        await using var scope = provider.CreateAsyncScope();
        var assembler = new SessionContextAssembler(scope.ServiceProvider.GetRequiredService<IRequestClient<GetSession>>(),
            scope.ServiceProvider.GetRequiredService<IRequestClient<ListSessions>>(), scope.ServiceProvider.GetRequiredService<IRequestClient<GetMessages>>(),
            scope.ServiceProvider.GetRequiredService<IRequestClient<QueryContext>>(), cache, Options.Create(new ContextManagementOptions()),
            TimeProvider.System, NullLogger<SessionContextAssembler>.Instance);
        var request = new LoadSession(Guid.NewGuid(), "preload-1", "startup", Project, 10_000, DateTimeOffset.UtcNow.AddSeconds(10));

        var loaded = await assembler.LoadAsync(request, Cancel);
        var keptAtFirst = cache.TryGet(SessionContextAssembler.CacheKey(request), out _);
        cache.Invalidate(sessionId: newer); // what chat's MessagesAppended for the newer session does
        var keptAfter = cache.TryGet(SessionContextAssembler.CacheKey(request), out _);

        Assert.Contains($"Session {older}", loaded.AdditionalContext, StringComparison.Ordinal); // rendered from the one with a conversation
        Assert.True(keptAtFirst);
        Assert.False(keptAfter);
    }

    private static SessionSummary Summary(string id, int minutesAgo)
    {
        var at = DateTimeOffset.UtcNow.AddMinutes(-minutesAgo);
        return new SessionSummary(id, Project, Project, null, "startup", null, "Ended", at, at, at, "exit", 3, 1, 0, 0, 0, 3, 1, "c");
    }

    private static ChatMessageView Prompt(string text) =>
        new("k-1", "prompt", "hook", "user", null, null, Guid.NewGuid(), DateTimeOffset.UtcNow, text, [], null, null, ["hook"], null, null);
}
