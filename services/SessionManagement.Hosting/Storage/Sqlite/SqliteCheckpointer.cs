using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SessionManagement.Hosting.Storage.Sqlite;

/// <summary>
/// Checkpoints the WAL beside the writer: copying committed pages into the database file, and the fsync that ends it, happen
/// here instead of in whichever write crossed the WAL's limit. Behind on the WAL it goes again at once; caught up, it waits.
/// </summary>
internal sealed class SqliteCheckpointer(SqliteDatabase database, TimeProvider time, ILogger<SqliteCheckpointer> logger) : BackgroundService
{
    public static readonly TimeSpan Behind = TimeSpan.FromMilliseconds(50);

    public static readonly TimeSpan CaughtUp = TimeSpan.FromMilliseconds(500);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = CaughtUp;
            try
            {
                var (frames, checkpointed) = await database.CheckpointAsync(stoppingToken);
                if (checkpointed < frames)
                    wait = Behind;
            }
            catch (Exception error) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(error, "SQLite checkpoint failed; the writer checkpoints the WAL itself until the next one succeeds");
            }
            catch (SqliteException) when (stoppingToken.IsCancellationRequested)
            {
                return; // interrupted by the shutdown, which checkpoints the WAL once more itself
            }
            await Task.Delay(wait, time, stoppingToken);
        }
    }
}
