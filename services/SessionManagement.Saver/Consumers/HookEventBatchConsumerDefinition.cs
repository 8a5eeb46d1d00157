using Microsoft.Extensions.Options;
using SessionManagement.Hosting.Bus;
using SessionManagement.Hosting.Options;

namespace SessionManagement.Saver.Consumers;

/// <summary>Batches of up to <c>performance.batch_size</c> hooks, or whatever arrived within 100 ms: a SessionEnd is saved well inside Claude Code's 1.5 s, and hooks arriving at a few thousand a second are stored a few hundred per batch rather than a few dozen.</summary>
public sealed class HookEventBatchConsumerDefinition(IOptions<PerformanceOptions> performance)
    : BatchConsumerDefinition<HookEventBatchConsumer>(performance);

/// <summary>The embedded gateway's bursts, gathered the same way: whatever arrived within 100 ms is stored together.</summary>
public sealed class HookEventsAcceptedConsumerDefinition(IOptions<PerformanceOptions> performance)
    : BatchConsumerDefinition<HookEventsAcceptedConsumer>(performance);
