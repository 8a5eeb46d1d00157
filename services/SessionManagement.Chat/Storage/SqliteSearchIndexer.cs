using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SessionManagement.Chat.Storage;

/// <summary>
/// Builds SQLite's search index behind the writes. New messages wait in <c>chat_fts_pending</c>; they are indexed here when the
/// appends pause for <see cref="QuietPeriod"/>, or after <see cref="MaxDelay"/> of appends that never pause. Each
/// <see cref="Chunk"/> is its own transaction, so a hook's write waits for one chunk at most. Streaming a transcript back (an
/// export, a restore) comes first too: while its pages are read, the indexing waits, up to the same <see cref="MaxDelay"/>, and a
/// pass under way stops after its chunk. A search indexes whatever still waits before it runs, so it always sees every message
/// stored before it.
/// </summary>
internal sealed class SqliteSearchIndexer(SqliteChatStore store, TimeProvider time, ILogger<SqliteSearchIndexer> logger) : BackgroundService
{
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromMilliseconds(500);

    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

    public const int Chunk = 5_000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(QuietPeriod, time);
        long indexedThrough = -1; // what waits from before the start is indexed at the first pause
        var lastTick = store.Appends;
        var lastReads = store.TranscriptReads;
        DateTimeOffset? waitingSince = null;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var (appends, reads) = (store.Appends, store.TranscriptReads);
            var reading = reads != lastReads;
            lastReads = reads;
            if (appends == indexedThrough)
                continue;
            waitingSince ??= time.GetUtcNow();
            var pausing = appends == lastTick && !reading;
            lastTick = appends;
            var overdue = time.GetUtcNow() - waitingSince >= MaxDelay;
            if (!pausing && !overdue)
                continue;
            try
            {
                var indexed = 0;
                int chunk;
                do
                {
                    chunk = await store.IndexPendingAsync(Chunk, stoppingToken);
                    indexed += chunk;
                }
                while (chunk == Chunk && (overdue || store.TranscriptReads == reads));
                if (indexed > 0)
                    logger.LogDebug("Indexed {Count} messages for search", indexed);
                if (chunk == Chunk)
                    continue; // a transcript is being read: the rest waits for the next pause
                (indexedThrough, waitingSince) = (appends, null);
            }
            catch (Exception error) when (!stoppingToken.IsCancellationRequested)
            {
                // A failed pass never stops the host: the messages stay waiting, and a search indexes them itself.
                logger.LogWarning(error, "Indexing messages for search failed; they stay waiting and are indexed at the next pause or search");
            }
            catch (SqliteException) when (stoppingToken.IsCancellationRequested)
            {
                return; // interrupted by the shutdown: the pass rolled back and waits for the next start
            }
        }
    }
}
