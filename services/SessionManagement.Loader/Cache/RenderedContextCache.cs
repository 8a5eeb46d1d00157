using Microsoft.Extensions.Options;
using SessionManagement.Contracts;
using SessionManagement.Hosting.Options;

namespace SessionManagement.Loader.Cache;

/// <summary>
/// Rendered SessionStart contexts, least recently used dropped first, within <c>performance.cache_size_mb</c>.
/// Each entry names what it was made from (sessions, project, user); a change to any of them drops it, and a change to a checkout's
/// project the entries of its worktrees too (<see cref="ProjectFolders"/>). An entry rendered while something changed is not kept (it
/// may be stale): <see cref="Generation"/> tells. An entry made with an item that expires is served only until that item's expiry.
/// </summary>
public sealed class RenderedContextCache(IOptions<PerformanceOptions> performance, TimeProvider time)
{
    private readonly long _capacityBytes = performance.Value.CacheSizeMb * 1024L * 1024;
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _order = new();
    private readonly Lock _lock = new();
    private long _bytes;
    private long _generation;

    public long Generation
    {
        get { lock (_lock) return _generation; }
    }

    public int Count
    {
        get { lock (_lock) return _entries.Count; }
    }

    public bool TryGet(string key, out string context)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var node) && node.Value.ExpiresAt is { } expires && expires <= time.GetUtcNow())
            {
                _entries.Remove(key);
                Drop(node);
            }
            else if (node is not null)
            {
                _order.Remove(node);
                _order.AddFirst(node);
                context = node.Value.Context;
                return true;
            }
        }
        context = "";
        return false;
    }

    /// <summary>
    /// Keeps a rendered context unless anything was invalidated since <paramref name="generation"/> was read, until
    /// <paramref name="expiresAt"/> (the first expiry among the items it shows), if given.
    /// </summary>
    public bool TryAdd(string key, string context, IReadOnlyCollection<string> sessionIds, string? projectDir, string? user, long generation,
        DateTimeOffset? expiresAt = null)
    {
        var size = context.Length * 2L + 256;
        if (size > _capacityBytes)
            return false;
        lock (_lock)
        {
            if (generation != _generation)
                return false;
            if (_entries.Remove(key, out var old))
                Drop(old);
            var node = _order.AddFirst(new Entry(key, context, sessionIds, projectDir, user, size, expiresAt));
            _entries[key] = node;
            _bytes += size;
            while (_bytes > _capacityBytes && _order.Last is { } last)
            {
                _entries.Remove(last.Value.Key);
                Drop(last);
            }
            return true;
        }
    }

    public void Invalidate(string? sessionId = null, string? projectDir = null, string? user = null)
    {
        lock (_lock)
        {
            _generation++;
            foreach (var node in _entries.Values.Where(n => (sessionId is not null && n.Value.SessionIds.Contains(sessionId))
                         || (projectDir is not null && ProjectFolders.BelongsTo(n.Value.ProjectDir, projectDir))
                         || (user is not null && n.Value.User == user)).ToList())
            {
                _entries.Remove(node.Value.Key);
                Drop(node);
            }
        }
    }

    private void Drop(LinkedListNode<Entry> node)
    {
        _order.Remove(node);
        _bytes -= node.Value.Size;
    }

    private sealed record Entry(string Key, string Context, IReadOnlyCollection<string> SessionIds, string? ProjectDir, string? User, long Size,
        DateTimeOffset? ExpiresAt);
}
