using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using SessionManagement.Contracts.Gateway;
using SessionManagement.Contracts.Saver;
using SessionManagement.Hosting.Options;
using SessionManagement.Saver.Consumers;
using SessionManagement.Saver.Storage;
using SessionManagement.Testing;

namespace SessionManagement.Saver.Tests;

public sealed class HookEventBatchConsumerTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static HookEventCaptured Hook(string session, string name, int ms, string extra = "") => new(
        Guid.CreateVersion7(), session, name, new DateTimeOffset(2026, 11, 24, 9, 0, 0, ms, TimeSpan.Zero), ms, "laptop", "dev", "/work/api", null,
        $$"""{"session_id":"{{session}}","hook_event_name":"{{name}}","cwd":"/work/api"{{extra}}}""");

    [Fact]
    public async Task When_a_session_is_captured_Should_store_it_and_announce_start_saves_and_end()
    {
        using var directory = new TempDirectory();
        await using var provider = new ServiceCollection()
            .AddSaverSqlite(new StorageOptions { DataDirectory = directory.Path })
            .AddSingleton<ISessionStore, SqliteSessionStore>()
            .AddMassTransitTestHarness(bus => bus.AddConsumer<HookEventBatchConsumer, HookEventBatchConsumerDefinition>())
            .BuildServiceProvider(true);
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        var session = "s-" + Guid.NewGuid().ToString("N")[..10];
        HookEventCaptured[] hooks =
        [
            Hook(session, "SessionStart", 1, ",\"source\":\"startup\",\"model\":\"claude-sonnet\""),
            Hook(session, "UserPromptSubmit", 2, ",\"prompt\":\"add a test\""),
            Hook(session, "SessionEnd", 3, ",\"reason\":\"logout\""),
        ];

        foreach (var hook in hooks)
            await harness.Bus.Publish(hook, Cancel);

        Assert.True(await harness.Published.Any<SessionEnded>(x => x.Context.Message.SessionId == session, Cancel));
        var started = harness.Published.Select<SessionStarted>(x => x.Context.Message.SessionId == session, Cancel).Single().Context.Message;
        Assert.Equal(("startup", "claude-sonnet", "/work/api"), (started.Source, started.Model, started.Cwd));
        var ended = harness.Published.Select<SessionEnded>(x => x.Context.Message.SessionId == session, Cancel).Single().Context.Message;
        Assert.Equal(("logout", 3L), (ended.Reason, ended.EventCount));
        Assert.True(await harness.Published.Any<SessionSaved>(x => x.Context.Message.SessionId == session && x.Context.Message.EventCount == 3, Cancel));
        Assert.False(await harness.Published.Any<Fault<Batch<HookEventCaptured>>>(Cancel));
        var stored = await provider.GetRequiredService<ISessionStore>().EventsAsync(session, Cancel);
        Assert.Equal(hooks.Select(h => h.RawJson), stored.Select(e => e.RawJson));
        var snapshot = await provider.GetRequiredService<ISessionStore>().GetSnapshotAsync(session, Cancel);
        Assert.Equal((SessionManagement.Saver.Sessions.SessionStatus.Ended, 3L), (snapshot!.State.Status, snapshot.State.EventCount));
    }
}
