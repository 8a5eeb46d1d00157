using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionManagement.Hosting.Options;

namespace SessionManagement.Hosting.Security;

/// <summary>A store's records kept at rest, walked in chunks to be sealed again under the current key.</summary>
public interface IAtRestRecords
{
    /// <summary>The store's name in progress reports (<c>chat</c>, <c>saver</c>, <c>context</c>).</summary>
    string Name { get; }

    /// <summary>
    /// Seals again, under <paramref name="atRest"/>'s current key, up to <paramref name="max"/> records after <paramref name="cursor"/>
    /// (null: from the first) whose kept content is in clear or under another key. Returns where the next chunk starts (null when
    /// every record has been walked) and how many records were sealed again.
    /// </summary>
    Task<(string? Next, int Resealed)> ResealAsync(AtRest atRest, string? cursor, int max, CancellationToken cancellationToken);
}

/// <summary>How far sealing again under the current key has come in one store.</summary>
public sealed record ResealProgress(string Store, string? KeyId, bool Done, long Resealed, DateTimeOffset? FinishedAt);

/// <summary>
/// Seals the stores' records again, in the background, whenever the current key is not the one every record was last walked under:
/// after a rotation, and when encryption is turned on over records kept in clear. Each store is walked in chunks, its place saved in
/// <c>&lt;data&gt;/at-rest/&lt;store&gt;.json</c> after each, so a restart goes on where it stopped. Reads never wait for it: both keys
/// open while it runs.
/// </summary>
public sealed class AtRestResealer(
    AtRest atRest, IEnumerable<IAtRestRecords> stores, IOptions<StorageOptions> storage, TimeProvider time, ILogger<AtRestResealer> logger)
    : BackgroundService
{
    public const int Chunk = 500;

    public static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<string, ResealProgress> _progress = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _wake = new(0);

    /// <summary>Each store's progress in this process.</summary>
    public IReadOnlyList<ResealProgress> Progress =>
        stores.Select(s => _progress.GetValueOrDefault(s.Name) ?? new ResealProgress(s.Name, null, false, 0, null)).ToList();

    /// <summary>Starts a pass now instead of at the next check (after a rotation in this process).</summary>
    public void Wake() => _wake.Release();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!stores.Any())
            return;
        if (!atRest.Seals)
        {
            // What is written while sealing is off stays in clear: the next start that seals walks every store again.
            foreach (var store in stores.Where(s => File.Exists(FileOf(s.Name))))
                File.Delete(FileOf(store.Name));
            return;
        }
        foreach (var store in stores)
            if (Load(store.Name) is { } saved)
                _progress[store.Name] = saved.Progress;
        while (!stoppingToken.IsCancellationRequested)
        {
            if (atRest.CurrentKeyId is { } keyId)
            {
                foreach (var store in stores)
                {
                    try
                    {
                        await WalkAsync(store, keyId, stoppingToken);
                    }
                    catch (Exception error) when (!stoppingToken.IsCancellationRequested)
                    {
                        // Records not yet sealed again stay readable under the key they are under; the walk is tried again.
                        logger.LogWarning(error, "Sealing the {Store} store's records again under key {Key} failed; it is tried again", store.Name, keyId);
                    }
                }
            }
            try
            {
                await _wake.WaitAsync(CheckEvery, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task WalkAsync(IAtRestRecords store, string keyId, CancellationToken stoppingToken)
    {
        if (_progress.TryGetValue(store.Name, out var progress) && progress.KeyId == keyId && progress.Done)
            return;
        var saved = Load(store.Name);
        var (cursor, resealed) = saved?.Progress.KeyId == keyId ? (saved.Cursor, saved.Progress.Resealed) : (null, 0L);
        _progress[store.Name] = new ResealProgress(store.Name, keyId, false, resealed, null);
        logger.LogInformation("Sealing the {Store} store's records again under key {Key}", store.Name, keyId);
        do
        {
            if (atRest.CurrentKeyId != keyId)
                return; // rotated again meanwhile: the next pass walks from the start under the newest key
            var (next, count) = await store.ResealAsync(atRest, cursor, Chunk, stoppingToken);
            (cursor, resealed) = (next, resealed + count);
            var now = new ResealProgress(store.Name, keyId, cursor is null, resealed, cursor is null ? time.GetUtcNow() : null);
            _progress[store.Name] = now;
            Save(new Walk(now, cursor));
        }
        while (cursor is not null);
        logger.LogInformation("The {Store} store's records are all sealed under key {Key} ({Count} sealed again)", store.Name, keyId, resealed);
    }

    /// <summary>A store's walk as saved: its progress and where its next chunk starts.</summary>
    private sealed record Walk(ResealProgress Progress, string? Cursor);

    private string FileOf(string store) => Path.Combine(storage.Value.DataDirectory, "at-rest", store + ".json");

    private Walk? Load(string store)
    {
        try
        {
            return File.Exists(FileOf(store)) ? JsonSerializer.Deserialize<Walk>(File.ReadAllBytes(FileOf(store))) : null;
        }
        catch (Exception error) when (error is IOException or JsonException)
        {
            return null; // walked again from the start: what is under the current key already is passed over
        }
    }

    private void Save(Walk walk)
    {
        var file = FileOf(walk.Progress.Store);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllBytes(file + ".new", JsonSerializer.SerializeToUtf8Bytes(walk));
        File.Move(file + ".new", file, overwrite: true);
    }
}
