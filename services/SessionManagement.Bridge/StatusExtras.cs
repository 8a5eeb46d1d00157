namespace SessionManagement.Bridge;

/// <summary>What the gateway knows beyond the status-line input: how much of this session is safely captured.</summary>
/// <param name="GatewayReachable">False when <c>sm-hook</c> renders from its input alone.</param>
/// <param name="EventsCaptured">Hook events captured for this session: the saver's count, or those the gateway has taken since it
/// started when more.</param>
/// <param name="SpoolBacklog">Hooks waiting in the local spool.</param>
/// <param name="Warnings">Short notes to show at the end of the row.</param>
/// <param name="SinceSave">How long ago the saver last saved the session, when the status module knows.</param>
/// <param name="SinceBackup">How long ago the session was last backed up, when it has been.</param>
/// <param name="StatusKnown">Whether the status module answered (and so whether "no backup yet" is true).</param>
public sealed record StatusExtras(bool GatewayReachable, long EventsCaptured, int SpoolBacklog, IReadOnlyList<string> Warnings,
    TimeSpan? SinceSave = null, TimeSpan? SinceBackup = null, bool StatusKnown = false)
{
    public static readonly StatusExtras Unreachable = new(false, 0, 0, []);
}
