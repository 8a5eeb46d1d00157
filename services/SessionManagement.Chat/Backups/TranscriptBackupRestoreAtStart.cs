using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SessionManagement.Hosting.Options;
using SessionManagement.Hosting.Bus;
using SessionManagement.Hosting.Storage;
using SessionManagement.Contracts.Chat;

namespace SessionManagement.Chat.Backups;

/// <summary>
/// <c>--restore-backups=true</c>: at start, chat's part of the way back after a damaged database was moved aside. Every transcript
/// file backed up (<see cref="TranscriptBackups"/>) that the store holds nothing of is put back, its lines at their offsets, so the
/// conversation reads, searches and exports as it did; the saver restores the sessions' state and hooks from its own backups. Once
/// the bus runs, what chat announces of stored lines is published for the lines put back, as for lines imported: status counts
/// their usage again, the saver learns their titles; and each session's transcript is summed up again, as after an import.
/// </summary>
internal sealed class TranscriptBackupRestoreAtStart(IConfiguration configuration, TranscriptBackups backups, BusStarted busStarted, IBus bus,
    ILogger<TranscriptBackupRestoreAtStart> logger) : IHostedService
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _announcing = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!StorageOptions.RestoresBackups(configuration))
            return;
        int files = 0, held = 0;
        long lines = 0;
        var announcements = new List<object>();
        var sessions = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var path in backups.Files())
        {
            if (await backups.RestoreAsync(path, cancellationToken, announcements) is { } restored)
            {
                (files, lines) = (files + 1, lines + restored);
                sessions.Add(FileNames.Decode(Path.GetFileName(Path.GetDirectoryName(path)!)));
            }
            else
                held++;
        }
        var outputs = 0;
        foreach (var path in backups.OutputFiles())
        {
            if (await backups.RestoreOutputAsync(path, cancellationToken))
                outputs++;
            else
                held++;
        }
        // Then what the files say of their sessions (times, counts of prompts and tool calls), as after an import: status's figures
        // went with the database, and a session no hook reached has them from its transcript alone.
        announcements.AddRange(sessions.Select(session => new SummarizeTranscript(session, null, null)));
        logger.LogWarning("Audit: restored from the transcript backups in {Folder}: {Files} transcript files, {Lines} lines, {Outputs} tool outputs; {Held} held already or unreadable",
            backups.Path, files, lines, outputs, held);
        if (announcements.Count > 0)
            _announcing = AnnounceAsync(announcements, _stopping.Token);
    }

    private async Task AnnounceAsync(List<object> announcements, CancellationToken stopping)
    {
        try
        {
            await busStarted.WaitAsync(stopping);
            foreach (var announcement in announcements)
                await bus.Publish(announcement, announcement.GetType(), stopping);
            logger.LogInformation("Announced the {Count} appends of the restored transcript lines", announcements.Count);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception error)
        {
            logger.LogWarning(error, "Announcing the restored transcript lines failed: status does not count their usage, nor the saver take their titles");
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _announcing;
    }
}
