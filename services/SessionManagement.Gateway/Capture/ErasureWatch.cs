using System.Collections.Concurrent;
using System.Diagnostics;

namespace SessionManagement.Gateway.Capture;

/// <summary>
/// Which modules have said they erased a session deleted for good (<see cref="Contracts.Saver.SessionErased"/>), for the delete this
/// gateway was asked to answer once they have. A watch begins before the saver is asked, so no word is missed however soon it comes;
/// two deletes of one session at once each have their own, and each hears every word.
/// </summary>
internal sealed class ErasureWatch
{
    /// <summary>The modules that hold a session's content besides the saver, whose word the delete's answer waits for.</summary>
    public static readonly IReadOnlyList<string> Holders = ["chat", "context", GatewayModule.Name];

    /// <summary>The deletes waiting, each with its session (a handful at most: each lasts as long as one request).</summary>
    private readonly ConcurrentDictionary<Watch, string> _watches = new();

    public Watch Begin(string sessionId)
    {
        var watch = new Watch(this);
        _watches[watch] = sessionId;
        return watch;
    }

    public void Heard(string sessionId, string module)
    {
        foreach (var (watch, session) in _watches)
            if (session == sessionId)
                watch.Heard(module);
    }

    internal sealed class Watch(ErasureWatch owner) : IDisposable
    {
        private readonly ConcurrentDictionary<string, byte> _heard = new(StringComparer.Ordinal);
        private readonly SemaphoreSlim _word = new(0);

        public void Heard(string module)
        {
            _heard.TryAdd(module, 0);
            _word.Release();
        }

        /// <summary>Waits until every one of <see cref="Holders"/> has erased its part, or <paramref name="within"/> has passed; who has, and who has not.</summary>
        public async Task<(IReadOnlyList<string> Erased, IReadOnlyList<string> Waiting)> UntilErasedAsync(TimeSpan within, CancellationToken cancellationToken)
        {
            var clock = Stopwatch.StartNew();
            while (Holders.Any(module => !_heard.ContainsKey(module)) && clock.Elapsed < within)
                await _word.WaitAsync(within - clock.Elapsed, cancellationToken);
            return ([.. Holders.Where(_heard.ContainsKey)], [.. Holders.Where(module => !_heard.ContainsKey(module))]);
        }

        public void Dispose() => owner._watches.TryRemove(this, out _);
    }
}
