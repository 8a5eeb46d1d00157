using MassTransit;
using Microsoft.Extensions.Options;
using SessionManagement.Hosting.Options;

namespace SessionManagement.Hosting.Bus;

/// <summary>
/// A batch consumer's endpoint: batches of up to <c>performance.batch_size</c> messages or whatever arrived within
/// <paramref name="timeLimit"/>, one batch at a time; the endpoint holds a whole batch in flight.
/// </summary>
public abstract class BatchConsumerDefinition<TConsumer> : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer
{
    private readonly int _batchSize;
    private readonly TimeSpan _timeLimit;

    protected BatchConsumerDefinition(IOptions<PerformanceOptions> performance, TimeSpan timeLimit)
    {
        _batchSize = performance.Value.BatchSize;
        _timeLimit = timeLimit;
        ConcurrentMessageLimit = _batchSize;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<TConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.PrefetchCount = Math.Max(_batchSize, 16);
        consumerConfigurator.Options<BatchOptions>(batch => batch.SetMessageLimit(_batchSize).SetTimeLimit(_timeLimit).SetConcurrencyLimit(1));
    }
}
