namespace SessionManagement.Gateway.Spool;

/// <summary>What one pass over the spool did.</summary>
public sealed record SpoolDrainResult(int Published, int Duplicates, int Rejected, int Remaining, string? StoppedBecause);
