using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SessionManagement.Chat.Backups;

/// <summary>
/// <c>--restore-backups=true</c>: at start, chat's part of the way back after a damaged database was moved aside. Every transcript
/// file backed up (<see cref="TranscriptBackups"/>) that the store holds nothing of is put back, its lines at their offsets, so the
/// conversation reads, searches and exports as it did; the saver restores the sessions' state and hooks from its own backups.
/// </summary>
internal sealed class TranscriptBackupRestoreAtStart(IConfiguration configuration, TranscriptBackups backups, ILogger<TranscriptBackupRestoreAtStart> logger)
    : IHostedService
{
    /// <summary>The switch the saver's restore answers to as well.</summary>
    public const string Switch = "restore-backups";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!string.Equals(configuration[Switch], "true", StringComparison.OrdinalIgnoreCase))
            return;
        int files = 0, held = 0;
        long lines = 0;
        foreach (var path in backups.Files())
        {
            if (await backups.RestoreAsync(path, cancellationToken) is { } restored)
                (files, lines) = (files + 1, lines + restored);
            else
                held++;
        }
        logger.LogWarning("Audit: restored from the transcript backups in {Folder}: {Files} transcript files, {Lines} lines; {Held} held already or unreadable",
            backups.Path, files, lines, held);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
