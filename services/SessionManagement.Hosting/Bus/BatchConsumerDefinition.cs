using MassTransit;
using Microsoft.Extensions.Options;
using SessionManagement.Hosting.Options;

namespace SessionManagement.Hosting.Bus;

/// <summary>
/// A batch consumer's endpoint: batches of up to <c>performance.batch_size</c> messages or whatever arrived within
/// <see cref="TimeLimit"/>, one batch at a time; the endpoint holds a whole batch in flight.
/// </summary>
public abstract class BatchConsumerDefinition<TConsumer> : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer
{
    /// <summary>
    /// How long a batch gathers: a SessionEnd is saved well inside Claude Code's 1.5 s, and what arrives at a few thousand a second
    /// (hooks, an import's per-file announcements) is written a few hundred at a time rather than one by one.
    /// </summary>
    public static readonly TimeSpan TimeLimit = TimeSpan.FromMilliseconds(100);

    private readonly int _batchSize;

    protected BatchConsumerDefinition(IOptions<PerformanceOptions> performance)
    {
        _batchSize = performance.Value.BatchSize;
        ConcurrentMessageLimit = _batchSize;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<TConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.PrefetchCount = Math.Max(_batchSize, 16);
        consumerConfigurator.Options<BatchOptions>(batch => batch.SetMessageLimit(_batchSize).SetTimeLimit(TimeLimit).SetConcurrencyLimit(1));
    }
}
