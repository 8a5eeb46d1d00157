using System.Collections.Concurrent;
using MassTransit;
using SessionManagement.Contracts.Gateway;

namespace SessionManagement.Hosting.Tests.Bus;

/// <summary>Counts every delivery attempt; fails on purpose for events whose raw JSON says so.</summary>
public sealed class HookEventProbeConsumer(HookEventProbeConsumer.Attempts attempts) : IConsumer<HookEventCaptured>
{
    public const string FailMarker = "\"fail\":true";

    public Task Consume(ConsumeContext<HookEventCaptured> context)
    {
        attempts.Counts.AddOrUpdate(context.Message.EventId, 1, (_, count) => count + 1);
        return context.Message.RawJson.Contains(FailMarker, StringComparison.Ordinal)
            ? throw new InvalidOperationException($"probe told to fail on {context.Message.EventId}")
            : Task.CompletedTask;
    }

    public sealed class Attempts
    {
        public ConcurrentDictionary<Guid, int> Counts { get; } = new();
    }
}
