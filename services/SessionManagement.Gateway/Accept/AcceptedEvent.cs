using SessionManagement.Contracts.Gateway;

namespace SessionManagement.Gateway.Accept;

/// <summary>One hook kept in the accepted-events log: its position in the log and the event as it is handed to the consumers.</summary>
internal sealed record AcceptedEvent(long Sequence, HookEventCaptured Event);
