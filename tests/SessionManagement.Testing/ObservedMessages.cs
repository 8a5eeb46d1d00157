using System.Collections.Concurrent;
using SessionManagement.Contracts.Gateway;

namespace SessionManagement.Testing;

/// <summary>What a <see cref="BusObserver"/> saw on the bus, in arrival order.</summary>
public sealed class ObservedMessages
{
    public ConcurrentQueue<HookEventCaptured> Hooks { get; } = new();

    public ConcurrentQueue<TranscriptLinesCaptured> TranscriptBatches { get; } = new();

    /// <summary>SessionStart context the observer answers LoadSession with, by session id; sessions not listed get no answer.</summary>
    public ConcurrentDictionary<string, string> ContextToAnswer { get; } = new(StringComparer.Ordinal);
}
