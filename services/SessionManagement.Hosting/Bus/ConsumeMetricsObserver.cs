using MassTransit;
using Prometheus;

namespace SessionManagement.Hosting.Bus;

/// <summary>
/// Per endpoint (so per module: <c>hook-event-batch</c> is the saver, <c>chat-ingest</c> chat, …): how long consuming
/// took from receipt, and how many consumes failed. On <c>/metrics</c> as <c>sm_consume_duration_seconds</c> and
/// <c>sm_consume_faults_total</c>.
/// </summary>
public sealed class ConsumeMetricsObserver : IConsumeObserver
{
    private static readonly Histogram Duration = Metrics.CreateHistogram("sm_consume_duration_seconds",
        "From a message's receipt to the end of its consumer, per receive endpoint.",
        new HistogramConfiguration { LabelNames = ["endpoint", "message"], Buckets = Histogram.ExponentialBuckets(0.0005, 2, 16) });

    private static readonly Counter Faults = Metrics.CreateCounter("sm_consume_faults_total", "Consumes that threw, per receive endpoint.", "endpoint", "message");

    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class
    {
        Duration.WithLabels(Endpoint(context), typeof(T).Name).Observe(context.ReceiveContext.ElapsedTime.TotalSeconds);
        return Task.CompletedTask;
    }

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class
    {
        Faults.WithLabels(Endpoint(context), typeof(T).Name).Inc();
        return Task.CompletedTask;
    }

    private static string Endpoint(ConsumeContext context) => HookEventEndpoint.NameOf(context.ReceiveContext.InputAddress);
}
