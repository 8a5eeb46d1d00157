using System.Diagnostics.CodeAnalysis;
using System.Net.Mime;
using System.Runtime.CompilerServices;
using System.Text.Json;
using MassTransit;
using MassTransit.Serialization;

namespace SessionManagement.Hosting.Bus;

/// <summary>
/// The in-memory bus's serializer. A message is still written once as MassTransit's JSON envelope, the body the in-memory
/// transport carries (and what a move to an <c>_error</c> queue keeps); but every endpoint of the process that receives that very
/// body takes the message object that was sent instead of reading the JSON back. A batch of accepted hooks reaches four or five
/// endpoints, a chat write's notice three or four: reading their JSON back was a tenth of the embedded host's CPU under hooks.
/// <para>The sent object is remembered beside its body (weakly: for as long as the transport holds the body) and shared by the
/// receivers, as the JSON was; messages are records, which nobody changes once sent. A body the serializer did not write, or no
/// longer knows, is read as JSON, as before.</para>
/// </summary>
public sealed class InProcessMessageSerializer : ISerializerFactory, IMessageSerializer, IMessageDeserializer
{
    private static readonly ConditionalWeakTable<byte[], Sent> SentBodies = new();

    private readonly SystemTextJsonMessageSerializer _json = SystemTextJsonMessageSerializer.Instance;

    /// <summary>MassTransit's JSON content type: the bodies are that JSON.</summary>
    public ContentType ContentType => SystemTextJsonMessageSerializer.JsonContentType;

    /// <inheritdoc />
    public IMessageSerializer CreateSerializer() => this;

    /// <inheritdoc />
    public IMessageDeserializer CreateDeserializer() => this;

    /// <inheritdoc />
    public void Probe(ProbeContext context)
    {
        var scope = context.CreateScope("in-process");
        scope.Add("contentType", ContentType.MediaType);
    }

    /// <inheritdoc />
    public MessageBody GetMessageBody<T>(SendContext<T> context)
        where T : class => new Body<T>(context);

    /// <inheritdoc />
    public MessageBody GetMessageBody(string text) => _json.GetMessageBody(text);

    /// <inheritdoc />
    public ConsumeContext Deserialize(ReceiveContext receiveContext) =>
        new BodyConsumeContext(receiveContext, Deserialize(receiveContext.Body, receiveContext.TransportHeaders, receiveContext.InputAddress));

    /// <inheritdoc />
    public SerializerContext Deserialize(MessageBody body, Headers headers, Uri? destinationAddress = null)
    {
        if (!SentBodies.TryGetValue(body.GetBytes(), out var sent))
            return _json.Deserialize(body, headers, destinationAddress);
        return new SentContext(_json, ContentType, new EnvelopeMessageContext(sent.Envelope, _json), sent.Envelope.MessageType ?? [], sent.Envelope,
            sent.Message);
    }

    private sealed record Sent(MessageEnvelope Envelope, object Message);

    /// <summary>
    /// The message as it was sent. MassTransit's own context reads a message asked for by its type (not by a type argument: a fault or
    /// a response as the requester's endpoint dispatches it) from JSON only, and has none here; the sent object is given instead, or,
    /// if it is not of that type, read as that type from its JSON.
    /// </summary>
    private sealed class SentContext(IObjectDeserializer deserializer, ContentType contentType, MessageContext context, string[] messageTypes,
        MessageEnvelope envelope, object message)
        : SystemTextJsonSerializerContext(deserializer, SystemTextJsonMessageSerializer.Options, contentType, context, messageTypes, envelope, message)
    {
        public override bool TryGetMessage(Type messageType, [NotNullWhen(true)] out object? message)
        {
            message = messageType.IsInstanceOfType(Message)
                ? Message
                : JsonSerializer.SerializeToElement(Message, Options).Deserialize(messageType, Options);
            return message is not null;
        }
    }

    /// <summary>The message's JSON, written when the transport first asks for it; the object is remembered beside those bytes.</summary>
    private sealed class Body<T>(SendContext<T> context) : MessageBody
        where T : class
    {
        private JsonMessageEnvelope? _envelope;
        private SystemTextJsonMessageBody<T>? _json;
        private bool _remembered;

        private SystemTextJsonMessageBody<T> Json => _json ??= new(context, SystemTextJsonMessageSerializer.Options, _envelope = new JsonMessageEnvelope(context, context.Message));

        public long? Length => Json.Length;

        public Stream GetStream() => new MemoryStream(GetBytes(), writable: false);

        public byte[] GetBytes()
        {
            var bytes = Json.GetBytes();
            if (!_remembered)
            {
                SentBodies.AddOrUpdate(bytes, new Sent(_envelope!, context.Message));
                _remembered = true;
            }
            return bytes;
        }

        public string GetString() => Json.GetString();
    }
}
