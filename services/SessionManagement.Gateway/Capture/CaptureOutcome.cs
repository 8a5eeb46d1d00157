namespace SessionManagement.Gateway.Capture;

public enum CaptureOutcome
{
    /// <summary>On the bus.</summary>
    Published,

    /// <summary>This event id was already delivered; nothing was done again.</summary>
    Duplicate,

    /// <summary>The broker could not take it; it waits in the spool.</summary>
    Spooled,

    /// <summary>Bad input: journaled with its raw bytes, not published.</summary>
    Rejected,

    /// <summary>Neither the broker nor the spool could take it (the caller must keep it).</summary>
    Failed,
}
