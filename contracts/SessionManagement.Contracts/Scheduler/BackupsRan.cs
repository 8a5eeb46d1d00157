namespace SessionManagement.Contracts.Scheduler;

/// <summary>
/// A module ended its part of a backup run (<see cref="RunBackups"/>, scheduled or asked for): how many backup files it wrote, how many
/// of what it keeps it could not back up, and why the first of those failed. One item's failure never stops the others', so a run with
/// failures still ends, and says so here rather than only in its log.
/// </summary>
/// <param name="CommandId">The run's command.</param>
/// <param name="Kind"><c>sessions</c> and <c>audit</c> (the saver), <c>transcripts</c> (chat) or <c>context</c> (context).</param>
/// <param name="Folder">Where this kind's backups are written.</param>
/// <param name="At">When the module's part of the run ended.</param>
/// <param name="Written">Backup files written (nothing when nothing changed since the last run).</param>
/// <param name="Failed">Sessions, files, scopes or months that could not be backed up; each is tried again at the next run.</param>
/// <param name="Problem">The first failure's reason, naming what it was; null when nothing failed.</param>
public record BackupsRan(Guid CommandId, string Kind, string Folder, DateTimeOffset At, int Written, int Failed, string? Problem);
