namespace SessionManagement.Gateway.Capture;

public enum CaptureOutcome
{
    /// <summary>On the bus.</summary>
    Published,

    /// <summary>This event id was already delivered; nothing was done again.</summary>
    Duplicate,

    /// <summary>Another delivery of this event id is under way right now; this one did nothing (keep the spool file).</summary>
    InProgress,

    /// <summary>The broker could not take it; it waits in the spool.</summary>
    Spooled,

    /// <summary>Bad input: journaled with its raw bytes, not published.</summary>
    Rejected,

    /// <summary>Neither the broker nor the spool could take it (the caller must keep it).</summary>
    Failed,
}
