namespace SessionManagement.Gateway.Transcripts;

public enum ShipOutcome
{
    /// <summary>Everything complete up to the end of the file is on the bus.</summary>
    UpToDate,

    /// <summary>The path is not an allowed transcript; nothing was read.</summary>
    Refused,

    /// <summary>The file is not there (yet); the cursor is kept.</summary>
    Missing,

    /// <summary>Publishing failed part-way; the cursor stands at the last acknowledged batch.</summary>
    Interrupted,
}
