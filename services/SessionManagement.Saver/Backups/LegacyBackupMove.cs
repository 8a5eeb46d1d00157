using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SessionManagement.Saver.Backups;

/// <summary>
/// At start, moves backups that earlier versions kept inside the database out to <see cref="BackupFolder"/>: each is written as a
/// file, read back and checked, and only then removed from the database.
/// </summary>
internal sealed class LegacyBackupMove(ILegacyBackups legacy, BackupFolder folder, ILogger<LegacyBackupMove> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var moved = 0;
        try
        {
            IReadOnlyList<Guid> ids;
            while ((ids = await legacy.LegacyBackupIdsAsync(100, stoppingToken)).Count > 0)
            {
                foreach (var id in ids)
                {
                    if (await legacy.GetLegacyAsync(id, stoppingToken) is { } backup)
                    {
                        await folder.WriteAsync(backup.Info, backup.Body, stoppingToken);
                        if (await folder.GetAsync(id, stoppingToken) is not { } written || !written.Body.AsSpan().SequenceEqual(backup.Body))
                            throw new IOException($"backup {id} did not read back as written to {folder.Path}");
                    }
                    await legacy.DeleteLegacyAsync([id], stoppingToken);
                    moved++;
                }
            }
            if (moved > 0)
                logger.LogInformation("Moved {Count} backups out of the database into {Folder}", moved, folder.Path);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            logger.LogError(error, "Moving backups out of the database into {Folder} stopped after {Count}; the rest stay in the database and are moved at the next start",
                folder.Path, moved);
        }
    }
}
