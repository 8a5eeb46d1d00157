namespace SessionManagement.Gateway.Journal;

public enum DeliveryStatus
{
    /// <summary>Published to the bus as <c>HookEventCaptured</c>.</summary>
    Published,

    /// <summary>Refused as bad input; the raw input is kept with the record (or on disk when too large).</summary>
    Rejected,
}
