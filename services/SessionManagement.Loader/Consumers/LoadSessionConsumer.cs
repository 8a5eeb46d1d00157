using MassTransit;
using SessionManagement.Contracts.Loader;
using SessionManagement.Loader.Rendering;

namespace SessionManagement.Loader.Consumers;

/// <summary>Answers the gateway's SessionStart request with the rendered context (from the cache when it is fresh).</summary>
public sealed class LoadSessionConsumer(SessionContextAssembler assembler, TimeProvider time) : IConsumer<LoadSession>
{
    private static readonly Prometheus.Histogram LoadDuration = Prometheus.Metrics.CreateHistogram(
        "sm_loader_load_duration_seconds", "A SessionStart context gathered and rendered.",
        new Prometheus.HistogramConfiguration { Buckets = Prometheus.Histogram.ExponentialBuckets(0.001, 2, 12) });

    public async Task Consume(ConsumeContext<LoadSession> context)
    {
        var started = time.GetTimestamp();
        var loaded = await assembler.LoadAsync(context.Message, context.CancellationToken);
        await context.RespondAsync(loaded);
        if (context.Message.WarmUp)
            return;
        var duration = time.GetElapsedTime(started);
        LoadDuration.Observe(duration.TotalSeconds);
        await context.Publish(new ContextServed(loaded.SessionId, context.Message.Source, duration.TotalMilliseconds, loaded.FromCache, loaded.MissingParts,
            time.GetUtcNow()), context.CancellationToken);
    }
}
