namespace SessionManagement.Contracts.Status;

/// <summary>A kind's last backup run.</summary>
/// <param name="Kind"><c>sessions</c>, <c>audit</c>, <c>transcripts</c> or <c>context</c>.</param>
/// <param name="Folder">Where its backups are written.</param>
/// <param name="LastRunAt">When its last run ended.</param>
/// <param name="Written">Backup files that run wrote.</param>
/// <param name="Failed">What that run could not back up.</param>
/// <param name="Problem">Why the first of those failed.</param>
/// <param name="LastGoodAt">When its last run without a failure ended; null when none has.</param>
public record BackupRunView(string Kind, string Folder, DateTimeOffset LastRunAt, int Written, int Failed, string? Problem, DateTimeOffset? LastGoodAt);
