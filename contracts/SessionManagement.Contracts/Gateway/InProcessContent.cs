using System.Collections.Concurrent;

namespace SessionManagement.Contracts.Gateway;

/// <summary>
/// Batch content handed from the gateway to the chat module inside one process (the embedded host's in-memory bus) instead of
/// through the bus's serializer: a megabyte batch would otherwise be written out as base64 JSON and read back for every message.
/// The sender holds the content while it waits for the batch's answer and lets go of it then; the message carries only
/// <see cref="TranscriptLinesCaptured.ContentHandle"/>. Across processes (RabbitMQ) content always travels in the message.
/// </summary>
public static class InProcessContent
{
    private static readonly ConcurrentDictionary<Guid, byte[]> Held = new();

    /// <summary>
    /// <paramref name="message"/> with its content held here instead of carried: the message to send, and the hold to keep until
    /// its answer comes.
    /// </summary>
    public static (TranscriptLinesCaptured Message, Hold Hold) HandOver(TranscriptLinesCaptured message)
    {
        ArgumentNullException.ThrowIfNull(message.Content);
        var handle = Guid.NewGuid();
        Held[handle] = message.Content;
        return (message with { Content = [], ContentHandle = handle }, new Hold(handle));
    }

    /// <summary>The content held under <paramref name="handle"/>; throws <see cref="InvalidDataException"/> when it is no longer held.</summary>
    public static byte[] Get(Guid handle) =>
        Held.TryGetValue(handle, out var content)
            ? content
            : throw new InvalidDataException($"the batch's content {handle} is no longer held in this process: its sender stopped waiting for it");

    /// <summary>Content held for one message; disposing it lets go.</summary>
    public sealed class Hold(Guid handle) : IDisposable
    {
        /// <summary>What the message carries in place of the content.</summary>
        public Guid Handle { get; } = handle;

        /// <summary>Lets go of the content: a message read after this fails, saying so.</summary>
        public void Dispose() => Held.TryRemove(Handle, out _);
    }
}
