using MassTransit;

namespace SessionManagement.Chat.Consumers;

/// <summary>
/// Two messages at a time: one is read while the one before it is written. Their writes still take turns
/// (<see cref="AppendOrder"/>): a prompt's hook and its transcript line must not race to join each other.
/// </summary>
public sealed class ChatIngestConsumerDefinition : ConsumerDefinition<ChatIngestConsumer>
{
    public ChatIngestConsumerDefinition() => ConcurrentMessageLimit = 2;

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<ChatIngestConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.PrefetchCount = 32;
}
