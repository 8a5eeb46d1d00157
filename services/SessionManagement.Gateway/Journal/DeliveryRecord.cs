namespace SessionManagement.Gateway.Journal;

/// <summary>What became of one captured hook.</summary>
/// <param name="EventId">The hook's event id: one record per id, whichever way it arrived.</param>
/// <param name="ReceivedAt">When it was captured.</param>
/// <param name="SessionId">Its session id, as far as it could be read.</param>
/// <param name="HookEventName">Its event name, as far as it could be read.</param>
/// <param name="Status">Published or rejected.</param>
/// <param name="Channel"><c>http</c> (Claude Code's HTTP hook), <c>sm-hook</c>, or <c>spool</c> (replayed).</param>
/// <param name="SizeBytes">Size of the raw input.</param>
/// <param name="Reason">Why it was rejected.</param>
/// <param name="RawInput">The raw input of a rejected hook, or its head when it was larger than the gateway keeps.</param>
/// <param name="RawPath">Where the head of an oversized hook was kept.</param>
/// <param name="RawSha256">The SHA-256 of the whole raw input, when only its head was kept.</param>
public sealed record DeliveryRecord(
    Guid EventId,
    DateTimeOffset ReceivedAt,
    string SessionId,
    string HookEventName,
    DeliveryStatus Status,
    string Channel,
    long SizeBytes,
    string? Reason,
    byte[]? RawInput,
    string? RawPath,
    string? RawSha256 = null)
{
    /// <summary>What a refused input's reason says once its bytes went with its session (<see cref="IDeliveryJournal.ForgetInputsAsync"/>).</summary>
    public const string InputForgotten = " (its input was deleted with its session)";
}
