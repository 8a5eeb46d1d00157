using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SessionManagement.Hosting.Options;

namespace SessionManagement.Context.Backups;

/// <summary>
/// <c>--restore-backups=true</c>: at start, the context module's part of the way back after a damaged database was moved aside. Every
/// scope backed up (<see cref="ContextBackups"/>) that the store holds no item of gets its items back, as they were; the saver restores
/// the sessions' state and hooks from its own backups, chat their transcripts.
/// </summary>
internal sealed class ContextBackupRestoreAtStart(IConfiguration configuration, ContextBackups backups, ILogger<ContextBackupRestoreAtStart> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!StorageOptions.RestoresBackups(configuration))
            return;
        int scopes = 0, items = 0, held = 0;
        foreach (var path in backups.Files())
        {
            if (await backups.RestoreAsync(path, cancellationToken) is { } restored)
                (scopes, items) = (scopes + 1, items + restored.Count);
            else
                held++;
        }
        logger.LogWarning("Audit: restored from the context backups in {Folder}: {Items} items of {Scopes} scopes; {Held} held already or unreadable",
            backups.Path, items, scopes, held);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
