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
    private static readonly ConcurrentDictionary<Guid, byte[]> Held = new();

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
        var handle = Guid.NewGuid();
        Held[handle] = message.Content;
        if (!lines.IsEmpty)
        {
            var copy = TranscriptContent.Buffers.Rent(lines.Length);
            lines.CopyTo(copy);
            Unpacked[handle] = new PooledLines(copy, lines.Length, pooled: true);
        }
        return (message with { Content = [], ContentHandle = handle }, new Hold(handle));
    }

    /// <summary>
    /// The lines handed over with the content under <paramref name="handle"/>, now the caller's to dispose; null when none were,
    /// or they were taken before (a redelivery unpacks the content), or the sender has let go.
    /// </summary>
    public static PooledLines? TakeLines(Guid handle) => Unpacked.TryRemove(handle, out var lines) ? lines : null;

    /// <summary>The content held under <paramref name="handle"/>; throws <see cref="InvalidDataException"/> when it is no longer held.</summary>
    public static byte[] Get(Guid handle) =>
        Held.TryGetValue(handle, out var content)
            ? content
            : throw new InvalidDataException($"the batch's content {handle} is no longer held in this process: its sender stopped waiting for it");

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
            Held.TryRemove(Handle, out _);
            if (Unpacked.TryRemove(Handle, out var lines))
                lines.Dispose();
        }
    }
}
