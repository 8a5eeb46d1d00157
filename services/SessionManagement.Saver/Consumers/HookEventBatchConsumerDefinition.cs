using MassTransit;
using Microsoft.Extensions.Options;
using SessionManagement.Hosting.Options;

namespace SessionManagement.Saver.Consumers;

/// <summary>Batches of up to <c>performance.batch_size</c> hooks, or whatever arrived within 20 ms: a SessionEnd is saved well inside Claude Code's 1.5 s.</summary>
public sealed class HookEventBatchConsumerDefinition : ConsumerDefinition<HookEventBatchConsumer>
{
    private readonly int _batchSize;

    public HookEventBatchConsumerDefinition(IOptions<PerformanceOptions> performance)
    {
        _batchSize = performance.Value.BatchSize;
        ConcurrentMessageLimit = _batchSize;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<HookEventBatchConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.PrefetchCount = Math.Max(_batchSize, 16);
        consumerConfigurator.Options<BatchOptions>(batch => batch
            .SetMessageLimit(_batchSize)
            .SetTimeLimit(TimeSpan.FromMilliseconds(20))
            .SetConcurrencyLimit(1));
    }
}
