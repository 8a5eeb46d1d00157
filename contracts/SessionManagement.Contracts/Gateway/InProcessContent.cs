using System.Collections.Concurrent;

namespace SessionManagement.Contracts.Gateway;

/// <summary>
/// Batch content handed from the gateway to the chat module inside one process (the embedded host's in-memory bus) instead of
/// through the bus's serializer: a megabyte batch would otherwise be written out as base64 JSON and read back for every message.
/// The sender holds the content while it waits for the batch's answer and lets go of it then; the message carries only
/// <see cref="TranscriptLinesCaptured.ContentHandle"/>. Across processes (RabbitMQ) content always travels in the message.
/// The sender may hand over the lines it packed as well, so the receiver reads them without unpacking the content again.
/// </summary>
public static class InProcessContent
{
    private static readonly ConcurrentDictionary<Guid, Shared> Held = new();

    /// <summary>Lines handed over with their content, in pooled buffers: whoever takes them out of here gives them back.</summary>
    private static readonly ConcurrentDictionary<Guid, PooledLines> Unpacked = new();

    /// <summary>
    /// <paramref name="message"/> with its content held here instead of carried: the message to send, and the hold to keep until
    /// its answer comes. <paramref name="lines"/>, when given, are the content's lines as they were packed (UTF-8, each ending in
    /// <c>\n</c>): a copy is held too, for the receiver to <see cref="TakeLines"/> instead of unpacking the content.
    /// </summary>
    public static (TranscriptLinesCaptured Message, Hold Hold) HandOver(TranscriptLinesCaptured message, ReadOnlySpan<byte> lines = default)
    {
        ArgumentNullException.ThrowIfNull(message.Content);
        return HandOver(message with { Content = [] }, new PooledLines(message.Content, message.Content.Length, pooled: false), lines);
    }

    /// <summary>
    /// <paramref name="message"/> (its content empty) with <paramref name="packed"/> held as its content: packed into a pooled buffer
    /// (<see cref="TranscriptContent.PackPooled"/>), which goes back to the pool once the hold and every <see cref="Lease"/> of it
    /// are disposed. <paramref name="lines"/> as in the overload above.
    /// </summary>
    public static (TranscriptLinesCaptured Message, Hold Hold) HandOver(TranscriptLinesCaptured message, PooledLines packed, ReadOnlySpan<byte> lines)
    {
        if (message.Content.Length > 0)
            throw new ArgumentException("a message whose content is held carries none", nameof(message));
        var handle = Guid.NewGuid();
        Held[handle] = new Shared(packed);
        if (!lines.IsEmpty)
        {
            var copy = TranscriptContent.Buffers.Rent(lines.Length);
            lines.CopyTo(copy);
            Unpacked[handle] = new PooledLines(copy, lines.Length, pooled: true);
        }
        return (message with { ContentHandle = handle }, new Hold(handle));
    }

    /// <summary>
    /// The lines handed over with the content under <paramref name="handle"/>, now the caller's to dispose; null when none were,
    /// or they were taken before (a redelivery unpacks the content), or the sender has let go.
    /// </summary>
    public static PooledLines? TakeLines(Guid handle) => Unpacked.TryRemove(handle, out var lines) ? lines : null;

    /// <summary>
    /// The content held under <paramref name="handle"/>, readable until the lease is disposed even if its sender lets go meanwhile;
    /// throws <see cref="InvalidDataException"/> when it is no longer held.
    /// </summary>
    public static ContentLease Lease(Guid handle) =>
        Held.TryGetValue(handle, out var content) && content.TryTake()
            ? new ContentLease(content.Packed.Bytes, content)
            : throw new InvalidDataException($"the batch's content {handle} is no longer held in this process: its sender stopped waiting for it");

    /// <summary>Content held for its sender and the leases on it: its buffer goes back to its pool when the last of them lets go.</summary>
    private sealed class Shared(PooledLines packed) : IDisposable
    {
        private int _holders = 1;

        public PooledLines Packed { get; } = packed;

        /// <summary>One more holder, unless every holder has let go already (the buffer may be another batch's by now).</summary>
        public bool TryTake()
        {
            for (var holders = Volatile.Read(ref _holders); holders > 0; holders = Volatile.Read(ref _holders))
                if (Interlocked.CompareExchange(ref _holders, holders + 1, holders) == holders)
                    return true;
            return false;
        }

        public void Dispose()
        {
            if (Interlocked.Decrement(ref _holders) == 0)
                Packed.Dispose();
        }
    }

    /// <summary>Answers parked for their askers in this process, with when they were parked.</summary>
    private static readonly ConcurrentDictionary<Guid, (object Answer, long Parked)> Parked = new();

    /// <summary>How long a parked answer waits for its asker, who stopped waiting long before (a request's timeout).</summary>
    private static readonly TimeSpan ParkedFor = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Parks an answer for an asker in this process (a transcript page of megabytes, which the bus would write out as base64 JSON and
    /// read back): the message carries the handle returned. Answers no one collected within two minutes are dropped.
    /// </summary>
    public static Guid Park<T>(T answer) where T : class
    {
        var now = Environment.TickCount64;
        foreach (var (handle, (_, parked)) in Parked)
            if (now - parked > ParkedFor.TotalMilliseconds)
                Parked.TryRemove(handle, out _);
        var key = Guid.NewGuid();
        Parked[key] = (answer, now);
        return key;
    }

    /// <summary>The answer parked under <paramref name="handle"/>, taken out; throws <see cref="InvalidDataException"/> when there is none.</summary>
    public static T Collect<T>(Guid handle) where T : class =>
        Parked.TryRemove(handle, out var parked) && parked.Answer is T answer
            ? answer
            : throw new InvalidDataException($"no answer {handle} of type {typeof(T).Name} is parked in this process");

    /// <summary>Content held for one message; disposing it lets go.</summary>
    public sealed class Hold(Guid handle) : IDisposable
    {
        /// <summary>What the message carries in place of the content.</summary>
        public Guid Handle { get; } = handle;

        /// <summary>Lets go of the content, and of its lines unless they were taken: a message read after this fails, saying so.</summary>
        public void Dispose()
        {
            if (Held.TryRemove(Handle, out var content))
                content.Dispose();
            if (Unpacked.TryRemove(Handle, out var lines))
                lines.Dispose();
        }
    }
}

/// <summary>A batch's packed content, from its message or leased from <see cref="InProcessContent"/>: read <see cref="Bytes"/> until disposed.</summary>
public sealed class ContentLease(ReadOnlyMemory<byte> bytes, IDisposable? holder = null) : IDisposable
{
    private IDisposable? _holder = holder;

    /// <summary>The packed lines, encoded as the message's <see cref="TranscriptLinesCaptured.ContentEncoding"/> says.</summary>
    public ReadOnlyMemory<byte> Bytes { get; } = bytes;

    /// <summary>Lets go of the content: a held one goes back to its pool once its sender has let go too.</summary>
    public void Dispose() => Interlocked.Exchange(ref _holder, null)?.Dispose();
}
