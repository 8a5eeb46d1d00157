using Microsoft.Extensions.Options;
using SessionManagement.Hosting.Bus;
using SessionManagement.Hosting.Options;

namespace SessionManagement.Status.Consumers;

/// <summary>Batches of up to <c>performance.batch_size</c> hooks or 100 ms: status may lag a moment, the hot path never waits on it.</summary>
public sealed class StatusHookBatchConsumerDefinition(IOptions<PerformanceOptions> performance)
    : BatchConsumerDefinition<StatusHookBatchConsumer>(performance);

/// <summary>The embedded gateway's bursts, gathered the same way.</summary>
public sealed class StatusHooksAcceptedConsumerDefinition(IOptions<PerformanceOptions> performance)
    : BatchConsumerDefinition<StatusHooksAcceptedConsumer>(performance);

/// <summary>
/// The events endpoint, whose usage reports and imported transcripts' summaries are gathered the same way, at most
/// <see cref="BatchConsumerDefinition{TConsumer}.OneAtATime"/> (they come one at a time); its other events come one by one.
/// </summary>
public sealed class StatusEventsConsumerDefinition(IOptions<PerformanceOptions> performance)
    : BatchConsumerDefinition<StatusEventsConsumer>(performance, OneAtATime);
