namespace SessionManagement.Contracts.Status;

/// <summary>Asks for the last backup run of each kind, as the status module recorded each <c>BackupsRan</c>. Answered with <see cref="BackupRunsFound"/>.</summary>
public record GetBackupRuns;
