using SessionManagement.Contracts.Gateway;

namespace SessionManagement.Gateway.Accept;

/// <summary>Makes a captured hook durable: after a true answer the hook reaches its consumers whatever happens to this process.</summary>
internal interface IHookAcceptor
{
    /// <summary>
    /// True once the hook is durable; false when it cannot be made so now (the caller spools it). With <paramref name="probe"/>
    /// false the answer is false at once while the broker or store is known to be down; a probe always tries.
    /// </summary>
    Task<bool> TryAcceptAsync(HookEventCaptured captured, bool probe, CancellationToken cancellationToken);

    /// <summary>
    /// Makes replayed hooks durable together, handed over in their order (each probes, as <see cref="TryAcceptAsync"/> with
    /// probe true): for each, whether it is durable. One that failed can be followed by ones that did not.
    /// </summary>
    Task<bool[]> TryAcceptInOrderAsync(IReadOnlyList<HookEventCaptured> hooks, CancellationToken cancellationToken);

    /// <summary>Why hooks cannot be made durable now, or null while they can.</summary>
    string? Unavailable { get; }

    /// <summary>
    /// Hooks kept that a module has failed to store for longer than <paramref name="olderThan"/>, by module: embedded, where this
    /// gateway hands them over and sees them stored. Over RabbitMQ a message a module failed waits in its <c>_error</c> queue.
    /// </summary>
    IReadOnlyList<HeldBackHooks> HeldBack(TimeSpan olderThan);
}
