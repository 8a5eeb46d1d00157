using System.Diagnostics;
using Prometheus;

namespace SessionManagement.Host;

/// <summary>
/// Gives the memory a burst of work left behind back to the system once the host has gone quiet: the transcript buffers kept
/// for reuse (<see cref="SessionManagement.Contracts.Gateway.TranscriptContent.LetGoOfBuffers"/>), a full, compacting collection
/// that returns the managed heap's free space (<see cref="GCCollectionMode.Aggressive"/>), then the C library's free memory
/// (<see cref="NativeMemory.Trim"/>). The runtime keeps what a start or an import committed for the next burst
/// that may never come: an idle host held 149-151 MB that way, 140-141 once given back (fresh Release hosts, 30 s after ready).
/// </summary>
internal sealed class IdleMemory(ILogger<IdleMemory> logger) : BackgroundService
{
    /// <summary>How often the host looks at what it allocated since it last looked.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private static readonly Counter Trims = Metrics.CreateCounter(
        "sm_host_memory_trims_total", "Times the host gave memory back to the system after it went quiet.");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var quiet = new QuietAfterWork(GC.GetTotalAllocatedBytes());
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (!quiet.Observe(GC.GetTotalAllocatedBytes()))
                    continue;
                var clock = Stopwatch.StartNew();
                SessionManagement.Contracts.Gateway.TranscriptContent.LetGoOfBuffers();
                GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                var native = NativeMemory.Trim();
                Trims.Inc();
                logger.LogDebug("Gave memory back after a quiet {Interval}: collected in {Milliseconds} ms, native memory {Native}",
                    Interval * QuietAfterWork.QuietIntervals, clock.ElapsedMilliseconds, native ? "trimmed" : "left as it is");
                // What the collection itself allocated is not work.
                quiet.Trimmed(GC.GetTotalAllocatedBytes());
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}

/// <summary>
/// When memory is worth giving back: after enough work (<see cref="WorkBytes"/> allocated since the last time), once the host
/// has allocated next to nothing for <see cref="QuietIntervals"/> intervals in a row. Never while it works: the collection stops
/// every thread (tens of milliseconds), which a hook must not meet; never twice for one burst.
/// </summary>
internal sealed class QuietAfterWork(long allocatedAtStart)
{
    /// <summary>At most this much allocated in an interval is quiet: an idle host's timers allocate about 0.3 MB in 5 s.</summary>
    public const long QuietBytes = 1L << 20;

    /// <summary>Less than this allocated since the last time leaves too little behind to be worth a collection.</summary>
    public const long WorkBytes = 16L << 20;

    public const int QuietIntervals = 2;

    private long _last = allocatedAtStart;

    // A start is work: what the host allocated while starting counts.
    private long _sinceTrim = allocatedAtStart;

    private int _quiet;

    /// <summary>Takes the bytes allocated so far; true when memory should be given back now.</summary>
    public bool Observe(long allocated)
    {
        var added = Math.Max(0, allocated - _last);
        _last = allocated;
        _sinceTrim += added;
        _quiet = added <= QuietBytes ? _quiet + 1 : 0;
        return _quiet >= QuietIntervals && _sinceTrim >= WorkBytes;
    }

    /// <summary>Memory was given back with <paramref name="allocated"/> bytes allocated so far: the next time waits for new work.</summary>
    public void Trimmed(long allocated)
    {
        _last = allocated;
        _sinceTrim = 0;
    }
}
