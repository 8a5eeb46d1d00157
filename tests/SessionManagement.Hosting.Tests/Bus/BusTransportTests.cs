using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using SessionManagement.Contracts.Gateway;
using SessionManagement.Hosting.Bus;
using SessionManagement.Hosting.Options;
using SessionManagement.Testing;

namespace SessionManagement.Hosting.Tests.Bus;

public sealed class BusTransportTests(InfrastructureFixture infrastructure)
{
    private static readonly int[] RetryIntervals = [10, 20];

    private async Task<BusOptions> OptionsFor(BusTransport transport) => new()
    {
        Transport = transport,
        RabbitMqUri = transport == BusTransport.RabbitMq ? await infrastructure.RabbitMqUriAsync() : null,
        RetryIntervalsMs = [.. RetryIntervals],
    };

    private static async Task<ServiceProvider> StartHarnessAsync(BusOptions options)
    {
        var queue = "probe-" + Guid.NewGuid().ToString("N")[..8];
        var provider = new ServiceCollection()
            .AddSingleton<HookEventProbeConsumer.Attempts>()
            .AddMassTransitTestHarness(bus =>
            {
                bus.AddConsumer<HookEventProbeConsumer>().Endpoint(endpoint =>
                {
                    endpoint.Name = queue;
                    endpoint.Temporary = true; // auto-deleted, so test runs leave nothing bound on the broker
                });
                bus.UseSessionManagementTransport(options);
            })
            .BuildServiceProvider(true);
        await provider.GetRequiredService<ITestHarness>().Start();
        return provider;
    }

    private static HookEventCaptured NewEvent(string rawJson) => new(
        Guid.CreateVersion7(), "session-" + Guid.NewGuid().ToString("N")[..8], "UserPromptSubmit",
        DateTimeOffset.UtcNow, 1, Environment.MachineName, "tester", "/work/project", null, rawJson);

    [Theory]
    [InlineData(BusTransport.InMemory)]
    [InlineData(BusTransport.RabbitMq)]
    public async Task When_a_hook_event_is_published_Should_reach_its_consumer_with_the_raw_json_intact(BusTransport transport)
    {
        await using var provider = await StartHarnessAsync(await OptionsFor(transport));
        var harness = provider.GetRequiredService<ITestHarness>();
        var rawJson = """{"hook_event_name":"UserPromptSubmit","prompt":"héllo \"world\"\n\u0000"}""";
        var captured = NewEvent(rawJson);

        await harness.Bus.Publish(captured, TestContext.Current.CancellationToken);

        var consumer = harness.GetConsumerHarness<HookEventProbeConsumer>();
        Assert.True(await consumer.Consumed.Any<HookEventCaptured>(x => x.Context.Message.EventId == captured.EventId, TestContext.Current.CancellationToken));
        var received = consumer.Consumed.Select<HookEventCaptured>(x => x.Context.Message.EventId == captured.EventId, TestContext.Current.CancellationToken).Single().Context.Message;
        Assert.Equal(rawJson, received.RawJson);
        Assert.Equal(captured, received);
        Assert.False(await harness.Published.Any<Fault<HookEventCaptured>>(x => x.Context.Message.Message.EventId == captured.EventId, TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData(BusTransport.InMemory)]
    [InlineData(BusTransport.RabbitMq)]
    public async Task When_a_consumer_keeps_failing_Should_retry_at_the_configured_intervals_then_fault(BusTransport transport)
    {
        await using var provider = await StartHarnessAsync(await OptionsFor(transport));
        var harness = provider.GetRequiredService<ITestHarness>();
        var poison = NewEvent("{" + HookEventProbeConsumer.FailMarker + "}");

        await harness.Bus.Publish(poison, TestContext.Current.CancellationToken);

        Assert.True(await harness.Published.Any<Fault<HookEventCaptured>>(x => x.Context.Message.Message.EventId == poison.EventId, TestContext.Current.CancellationToken));
        var attempts = provider.GetRequiredService<HookEventProbeConsumer.Attempts>().Counts[poison.EventId];
        Assert.Equal(1 + RetryIntervals.Length, attempts);
    }
}
