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

    /// <summary>
    /// The widest batch of an endpoint whose messages come one at a time rather than in bursts (an import's announcements of each file,
    /// a live session's usage): a batch is as wide as the consumes the endpoint runs at once, and MassTransit's in-memory transport runs
    /// each on a reader of its own, every idle one woken by every message. 256 of them were 5.4 % of the host's CPU importing 2,000
    /// small files (docs/benchmarks.md).
    /// </summary>
    public const int OneAtATime = 32;

    private readonly int _batchSize;

    /// <param name="performance">The batch size, <c>performance.batch_size</c>.</param>
    /// <param name="widest">The widest batch the endpoint takes, whatever the batch size (<see cref="OneAtATime"/>).</param>
    protected BatchConsumerDefinition(IOptions<PerformanceOptions> performance, int widest = int.MaxValue)
    {
        _batchSize = Math.Min(performance.Value.BatchSize, widest);
        ConcurrentMessageLimit = _batchSize;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<TConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.PrefetchCount = Math.Max(_batchSize, 16);
        consumerConfigurator.Options<BatchOptions>(batch => batch.SetMessageLimit(_batchSize).SetTimeLimit(TimeLimit).SetConcurrencyLimit(1));
    }
}
