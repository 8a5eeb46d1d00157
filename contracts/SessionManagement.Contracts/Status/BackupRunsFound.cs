namespace SessionManagement.Contracts.Status;

/// <summary>The last backup run of each kind that ran at least once.</summary>
public record BackupRunsFound(IReadOnlyList<BackupRunView> Runs);
