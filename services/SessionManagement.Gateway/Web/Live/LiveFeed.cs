using System.Threading.Channels;

namespace SessionManagement.Gateway.Web.Live;

/// <summary>
/// What changed, for the web view's open pages (<c>/live</c>): a session's history grew, or its state was saved. Each page holds
/// a small queue of its own; a page too slow to read loses the oldest notices, never the data (it fetches what is new itself).
/// </summary>
internal sealed class LiveFeed
{
    private readonly Lock _gate = new();
    private Channel<LiveChange>[] _readers = [];

    public int Readers => Volatile.Read(ref _readers).Length;

    public void Publish(LiveChange change)
    {
        foreach (var reader in Volatile.Read(ref _readers))
            reader.Writer.TryWrite(change);
    }

    /// <summary>A queue of the changes from now on, until <see cref="Leave"/>.</summary>
    public Channel<LiveChange> Join()
    {
        var channel = Channel.CreateBounded<LiveChange>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (_gate)
            _readers = [.. _readers, channel];
        return channel;
    }

    public void Leave(Channel<LiveChange> channel)
    {
        lock (_gate)
            _readers = _readers.Where(r => r != channel).ToArray();
    }
}

/// <summary>One notice: <c>messages</c> (its history grew to <see cref="Count"/> messages) or <c>session</c> (its state was saved).</summary>
internal sealed record LiveChange(string Kind, string SessionId, long Count, DateTimeOffset At);
