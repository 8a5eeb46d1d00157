namespace SessionManagement.Gateway.Capture;

/// <summary>The names the gateway's kept input is sealed under at rest (<see cref="Hosting.Security.AtRest"/>).</summary>
internal static class GatewayRecords
{
    /// <summary>A hook spooled while it could not be handed over; sm-hook, draining the same folder, sends it back sealed, and it is opened here.</summary>
    public const string Spool = "spool.payload";

    /// <summary>The bytes kept of a refused input: in the journal, or its head in the rejected folder.</summary>
    public const string RejectedInput = "rejected.input";
}
