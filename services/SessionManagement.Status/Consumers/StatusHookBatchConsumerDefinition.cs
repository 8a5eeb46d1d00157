using MassTransit;
using Microsoft.Extensions.Options;
using SessionManagement.Hosting.Options;

namespace SessionManagement.Status.Consumers;

/// <summary>Batches of up to <c>performance.batch_size</c> hooks or 100 ms: status may lag a moment, the hot path never waits on it.</summary>
public sealed class StatusHookBatchConsumerDefinition : ConsumerDefinition<StatusHookBatchConsumer>
{
    private readonly int _batchSize;

    public StatusHookBatchConsumerDefinition(IOptions<PerformanceOptions> performance)
    {
        _batchSize = performance.Value.BatchSize;
        ConcurrentMessageLimit = _batchSize;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<StatusHookBatchConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.PrefetchCount = Math.Max(_batchSize, 16);
        consumerConfigurator.Options<BatchOptions>(batch => batch.SetMessageLimit(_batchSize).SetTimeLimit(TimeSpan.FromMilliseconds(100)).SetConcurrencyLimit(1));
    }
}
