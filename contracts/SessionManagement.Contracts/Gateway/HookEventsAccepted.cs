namespace SessionManagement.Contracts.Gateway;

/// <summary>
/// Hooks the embedded gateway accepted, handed to the modules of its own process together, in capture order: what its
/// accepted-events log committed within a few milliseconds. One message for a burst of hooks instead of one each, because on
/// the in-memory bus a message's own way through the bus costs more than storing the hook it carries. Over RabbitMQ every
/// hook is published on its own (<see cref="HookEventCaptured"/>), each confirmed by the broker.
/// </summary>
/// <param name="Events">Every hook of the burst, as captured; <see cref="ConversationHookCaptured.Classify"/> tells which carry conversation text.</param>
public record HookEventsAccepted(IReadOnlyList<HookEventCaptured> Events);

/// <summary>
/// The hooks of a <see cref="HookEventsAccepted"/> burst that carry conversation text (<see cref="ConversationHookCaptured.CarriesConversation"/>),
/// for the modules that read only those, in capture order. Not sent for a burst that has none.
/// </summary>
/// <param name="Events">The burst's conversation hooks.</param>
public record ConversationHooksAccepted(IReadOnlyList<ConversationHookCaptured> Events);
