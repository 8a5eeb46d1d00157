using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using MassTransit;
using MassTransit.Serialization;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using SessionManagement.Contracts.Gateway;
using SessionManagement.Hosting.Bus;
using SessionManagement.Hosting.Options;

namespace SessionManagement.Hosting.Tests.Bus;

public sealed class InProcessMessageSerializerTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static HookEventCaptured NewEvent(string rawJson) => new(
        Guid.CreateVersion7(), "session-" + Guid.NewGuid().ToString("N")[..8], "UserPromptSubmit",
        DateTimeOffset.UtcNow, 7, Environment.MachineName, "tester", "/work/project", null, rawJson);

    [Fact]
    public async Task When_a_message_is_published_on_the_in_memory_bus_Should_reach_every_endpoint_as_the_object_sent_over_a_body_that_is_still_its_json()
    {
        var seen = new Seen();
        await using var provider = new ServiceCollection()
            .AddSingleton(seen)
            .AddMassTransitTestHarness(bus =>
            {
                bus.AddConsumer<FirstReader>();
                bus.AddConsumer<SecondReader>();
                bus.UseSessionManagementTransport(new BusOptions { Transport = BusTransport.InMemory });
            })
            .BuildServiceProvider(true);
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        var sent = NewEvent("""{"hook_event_name":"UserPromptSubmit","prompt":"héllo \"world\""}""");

        await harness.Bus.Publish(sent, Cancel);

        Assert.True(await harness.GetConsumerHarness<FirstReader>().Consumed.Any<HookEventCaptured>(x => x.Context.Message.EventId == sent.EventId, Cancel));
        Assert.True(await harness.GetConsumerHarness<SecondReader>().Consumed.Any<HookEventCaptured>(x => x.Context.Message.EventId == sent.EventId, Cancel));
        Assert.Equal(2, seen.Messages.Count);
        Assert.All(seen.Messages, received => Assert.Same(sent, received));
        // What the transport carries (and an _error queue would keep) is MassTransit's JSON envelope, read here on its own.
        Assert.All(seen.Bodies, body =>
        {
            using var envelope = JsonDocument.Parse(body);
            var message = envelope.RootElement.GetProperty("message");
            Assert.Equal(sent.RawJson, message.GetProperty("rawJson").GetString());
            Assert.Equal(sent.EventId, message.GetProperty("eventId").GetGuid());
            Assert.Contains("urn:message:SessionManagement.Contracts.Gateway:HookEventCaptured",
                envelope.RootElement.GetProperty("messageType").EnumerateArray().Select(t => t.GetString()));
        });
    }

    [Fact]
    public async Task When_a_request_fails_in_its_consumer_Should_fault_back_to_the_requester_rather_than_leave_it_to_its_timeout()
    {
        await using var provider = new ServiceCollection()
            .AddMassTransitTestHarness(bus =>
            {
                bus.AddConsumer<FailingResponder>();
                bus.UseSessionManagementTransport(new BusOptions { Transport = BusTransport.InMemory });
            })
            .BuildServiceProvider(true);
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        var client = harness.GetRequestClient<HookEventCaptured>();

        // The timeout is far beyond the test's: only the consumer's fault, carried back, ends the request.
        var error = await Assert.ThrowsAnyAsync<Exception>(() => client.GetResponse<HookEventCaptured>(NewEvent("{}"), Cancel, RequestTimeout.After(s: 60)));

        var fault = Assert.IsType<RequestFaultException>(error);
        Assert.Contains(fault.Fault!.Exceptions, e => e.Message.Contains("the store refused it", StringComparison.Ordinal));
    }

    public sealed class FailingResponder : IConsumer<HookEventCaptured>
    {
        public Task Consume(ConsumeContext<HookEventCaptured> context) => throw new InvalidOperationException("the store refused it");
    }

    [Fact]
    public void When_a_body_was_not_written_in_this_process_Should_read_it_as_json()
    {
        var eventId = Guid.CreateVersion7();
        var body = Encoding.UTF8.GetBytes($$"""
            {
              "messageId": "{{Guid.NewGuid()}}",
              "messageType": ["urn:message:SessionManagement.Contracts.Gateway:HookEventCaptured"],
              "message": {
                "eventId": "{{eventId}}", "sessionId": "session-1", "hookEventName": "Stop", "receivedAt": "2026-12-02T10:00:00+00:00",
                "captureSequence": 3, "host": "laptop", "user": "dev", "cwd": "/work/shop", "transcriptPath": null, "rawJson": "{\"hook_event_name\":\"Stop\"}"
              }
            }
            """);

        var context = new InProcessMessageSerializer().Deserialize(new BytesMessageBody(body), new DictionarySendHeaders());

        Assert.True(context.TryGetMessage<HookEventCaptured>(out var message));
        Assert.Equal((eventId, "session-1", "Stop", 3L, "/work/shop", """{"hook_event_name":"Stop"}"""),
            (message!.EventId, message.SessionId, message.HookEventName, message.CaptureSequence, message.Cwd, message.RawJson));
    }

    public sealed class Seen
    {
        public ConcurrentBag<HookEventCaptured> Messages { get; } = [];

        public ConcurrentBag<byte[]> Bodies { get; } = [];

        public Task Add(ConsumeContext<HookEventCaptured> context)
        {
            Messages.Add(context.Message);
            Bodies.Add(context.ReceiveContext.Body.GetBytes());
            return Task.CompletedTask;
        }
    }

    public sealed class FirstReader(Seen seen) : IConsumer<HookEventCaptured>
    {
        public Task Consume(ConsumeContext<HookEventCaptured> context) => seen.Add(context);
    }

    public sealed class SecondReader(Seen seen) : IConsumer<HookEventCaptured>
    {
        public Task Consume(ConsumeContext<HookEventCaptured> context) => seen.Add(context);
    }
}
