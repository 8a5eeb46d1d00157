using MassTransit;

namespace SessionManagement.Chat.Consumers;

/// <summary>One message at a time: a prompt's hook and its transcript line must not race to join each other.</summary>
public sealed class ChatIngestConsumerDefinition : ConsumerDefinition<ChatIngestConsumer>
{
    public ChatIngestConsumerDefinition() => ConcurrentMessageLimit = 1;

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<ChatIngestConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.PrefetchCount = 32;
}
