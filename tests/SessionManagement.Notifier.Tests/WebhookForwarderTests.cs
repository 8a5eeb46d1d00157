using System.Text;
using System.Text.Json;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using SessionManagement.Contracts.Saver;
using SessionManagement.Notifier.Consumers;
using SessionManagement.Notifier.Delivery;
using SessionManagement.Notifier.Options;
using SessionManagement.Testing;

namespace SessionManagement.Notifier.Tests;

public sealed class WebhookForwarderTests
{
    private const string Secret = "a-secret-of-sixteen-or-more";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static NotifierOptions Options(string url, params string[] events) => new()
    {
        Webhooks = [new WebhookOptions { Url = url, Secret = Secret, Events = [.. events] }],
        RetryDelaysMs = [10, 10],
        TimeoutMs = 5_000,
    };

    private static WebhookForwarder Forwarder(NotifierOptions options) =>
        new(new HttpClient(), Microsoft.Extensions.Options.Options.Create(options), TimeProvider.System, NullLogger<WebhookForwarder>.Instance);

    private static Notification Ended(string session) =>
        new(Guid.NewGuid(), nameof(SessionEnded), $"session {session} ended", new SessionEnded(session, "other", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, 3),
            DateTimeOffset.UtcNow);

    [Fact]
    public async Task When_the_receiver_fails_at_first_Should_retry_the_same_signed_delivery_until_it_is_taken()
    {
        await using var receiver = await WebhookReceiver.StartAsync(500, 503, 200);
        var notification = Ended("s-retry");

        await Forwarder(Options(receiver.Url)).ForwardAsync(notification, Cancel);

        var attempts = receiver.Received.ToList();
        Assert.Equal(3, attempts.Count);
        Assert.All(attempts, a => Assert.Equal(notification.DeliveryId.ToString(), a.Headers[WebhookForwarder.DeliveryHeader]));
        Assert.All(attempts, a => Assert.Equal(WebhookForwarder.Sign(Secret, a.Body), a.Headers[WebhookForwarder.SignatureHeader]));
        var body = JsonDocument.Parse(attempts[^1].Body).RootElement;
        Assert.Equal(("SessionEnded", "s-retry"), (body.GetProperty("type").GetString(), body.GetProperty("event").GetProperty("sessionId").GetString()));
        Assert.NotEqual(WebhookForwarder.Sign("another-secret-entirely", attempts[0].Body), attempts[0].Headers[WebhookForwarder.SignatureHeader]);
    }

    [Fact]
    public async Task When_the_receiver_never_takes_it_Should_give_up_after_the_configured_retries_without_throwing()
    {
        await using var receiver = await WebhookReceiver.StartAsync(500, 500, 500, 500, 500);

        await Forwarder(Options(receiver.Url)).ForwardAsync(Ended("s-give-up"), Cancel);

        Assert.Equal(3, receiver.Received.Count);
    }

    [Fact]
    public async Task When_a_webhook_asks_for_some_events_Should_forward_only_those()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var forwarder = Forwarder(Options(receiver.Url, "BackupFailed"));

        await forwarder.ForwardAsync(Ended("s-filtered"), Cancel);
        await forwarder.ForwardAsync(new Notification(Guid.NewGuid(), "BackupFailed", "backup failed", new { sessionId = "s-filtered" }, DateTimeOffset.UtcNow), Cancel);

        Assert.Equal("BackupFailed", Assert.Single(receiver.Received).Headers[WebhookForwarder.EventHeader]);
    }

    [Fact]
    public async Task When_a_session_ends_on_the_bus_Should_reach_the_webhook()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var provider = new ServiceCollection()
            .AddSingleton(TimeProvider.System)
            .AddSingleton(Microsoft.Extensions.Options.Options.Create(Options(receiver.Url)))
            .AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>))
            .AddSingleton(new HttpClient())
            .AddSingleton<WebhookForwarder>()
            .AddSingleton<DesktopNotifier>()
            .AddMassTransitTestHarness(bus => bus.AddConsumer<NotificationConsumer>())
            .BuildServiceProvider(true);
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        var session = "s-" + Guid.NewGuid().ToString("N")[..8];

        await harness.Bus.Publish(new SessionEnded(session, "logout", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, 9), Cancel);

        Assert.True(await harness.Consumed.Any<SessionEnded>(x => x.Context.Message.SessionId == session, Cancel));
        var received = await Eventually.ReturnsAsync(() => Task.FromResult(receiver.Received.ToList()), r => r.Count == 1, TimeSpan.FromSeconds(10), "the webhook post");
        Assert.Contains(session, Encoding.UTF8.GetString(received[0].Body));
        Assert.False(await harness.Published.Any<Fault<SessionEnded>>(Cancel));
    }
}
