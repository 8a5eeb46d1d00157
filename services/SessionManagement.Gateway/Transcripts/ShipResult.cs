namespace SessionManagement.Gateway.Transcripts;

/// <summary>What one shipping pass did: outcome, lines and batches sent, the cursor after it, and why when it stopped short.</summary>
public sealed record ShipResult(ShipOutcome Outcome, int Lines, int Batches, long Offset, string? Problem);
