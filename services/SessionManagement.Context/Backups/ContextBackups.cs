using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionManagement.Context.Items;
using SessionManagement.Context.Storage;
using SessionManagement.Hosting.Options;
using SessionManagement.Hosting.Security;
using SessionManagement.Hosting.Storage;

namespace SessionManagement.Context.Backups;

/// <summary>
/// The context items the module holds, kept as files outside the live database beside the saver's backups
/// (<c>&lt;backups&gt;/.context/&lt;scope&gt;/&lt;key&gt;.items</c>). Items are written by people and by sessions' compactions, not derived from
/// anything the other backups keep: a store restored from the backups gets them back from here or not at all.
/// One file per scope (a session's own items, a project's, a user's, a team's), written again when the items the store holds of it
/// change: a header line (scope, key, how many items, the SHA-256 of their JSON, which versions the store held), then the items' JSON,
/// sealed when encryption at rest is on. Written to a temporary name and flushed, read back and checked, then renamed over the last.
/// A scope the store no longer holds keeps its file: a purged session's items come back with it.
/// </summary>
public sealed class ContextBackups(IOptions<StorageOptions> storage, IContextStore store, AtRest atRest, ILogger<ContextBackups> logger) : IAtRestRecords
{
    /// <summary>The record name a file's items are sealed under.</summary>
    public const string Record = "context_backups.items";

    private const string Extension = ".items";

    /// <summary>Longer keys (a deep project path) are named by their hash: a file name stays within what any file system takes.</summary>
    private const int LongestName = 120;

    private readonly SemaphoreSlim _writing = new(1, 1);

    /// <summary>Under the backup folder, beside the saver's: a name no session's folder has (<see cref="FileNames.Encode"/> writes a leading dot as %2E).</summary>
    public string Path { get; } = System.IO.Path.Combine(storage.Value.BackupPath, ".context");

    public string Name => "context backups";

    /// <summary>Backs up every scope whose items changed since its backup, counting the files written in <paramref name="tally"/>.</summary>
    public async Task BackUpChangedAsync(BackupTally tally, CancellationToken cancellationToken)
    {
        foreach (var scope in (await store.VersionsAsync(cancellationToken)).GroupBy(v => (v.Scope, v.Key)))
        {
            try
            {
                if (await BackUpScopeAsync(scope.Key.Scope, scope.Key.Key, Held(scope.Select(v => (v.ItemId, v.Version))), cancellationToken))
                    tally.Wrote();
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                // One scope's failure never stops the others': it is tried again at the next run.
                logger.LogError(error, "Backing up the context items of {Scope} {Key} failed", scope.Key.Scope, scope.Key.Key);
                tally.Fail($"the context items of {scope.Key.Scope} {scope.Key.Key}", error.Message);
            }
        }
    }

    /// <summary>Backs up a session's own items if their backup is behind (before the session is purged); whether a file was written.</summary>
    public Task<bool> BackUpSessionAsync(string sessionId, CancellationToken cancellationToken) => BackUpScopeAsync("session", sessionId, null, cancellationToken);

    /// <param name="held">What the store holds of the scope, when known: nothing is read of it when its backup holds the same.</param>
    private async Task<bool> BackUpScopeAsync(string scope, string key, string? held, CancellationToken cancellationToken)
    {
        var path = FilePath(scope, key);
        var backedUp = ReadHeader(path)?.Held;
        if (held is not null && backedUp == held)
            return false;
        var items = (await store.InScopeAsync(scope, key, cancellationToken)).OrderBy(i => i.ItemId, StringComparer.Ordinal).ToList();
        var now = Held(items.Select(i => (i.ItemId, i.Version)));
        if (items.Count == 0 || backedUp == now)
            return false;
        await WriteAsync(scope, key, items, now, path, cancellationToken);
        return true;
    }

    private async Task WriteAsync(string scope, string key, IReadOnlyList<ContextItem> items, string held, string path, CancellationToken cancellationToken)
    {
        var plain = JsonSerializer.SerializeToUtf8Bytes(items);
        var header = JsonSerializer.SerializeToUtf8Bytes(new Header(scope, key, items.Count, Convert.ToHexStringLower(SHA256.HashData(plain)), DateTimeOffset.UtcNow, held));
        byte[] file = [.. header, (byte)'\n', .. atRest.Seal(plain, Record)];
        await _writing.WaitAsync(cancellationToken);
        try
        {
            await BackupFiles.WriteCheckedAsync(path, file, $"the context items of {scope} {key}", cancellationToken);
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>Every backup file.</summary>
    public IEnumerable<string> Files() =>
        Directory.Exists(Path)
            ? Directory.EnumerateFiles(Path, "*" + Extension, SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            : [];

    /// <summary>A backup's header and items; null when it is damaged, cannot be opened or does not give back what its header says.</summary>
    public (Header Header, IReadOnlyList<ContextItem> Items)? Read(string path)
    {
        try
        {
            var bytes = File.ReadAllBytes(path);
            var end = Array.IndexOf(bytes, (byte)'\n');
            if (end < 0 || JsonSerializer.Deserialize<Header>(bytes.AsSpan(0, end)) is not { } header)
                return null;
            var plain = atRest.Open(bytes[(end + 1)..], Record);
            if (Convert.ToHexStringLower(SHA256.HashData(plain)) != header.Sha256
                || JsonSerializer.Deserialize<List<ContextItem>>(plain) is not { } items || items.Count != header.Items)
                return null;
            return (header, items);
        }
        catch (Exception error) when (error is IOException or JsonException or CryptographicException or UnauthorizedAccessException or ArgumentException)
        {
            logger.LogWarning("The context backup {Path} could not be read: {Problem}", path, error.Message);
            return null;
        }
    }

    /// <summary>
    /// Puts back the items of a backup whose scope the store holds nothing of (a store started again after it was damaged, a session
    /// purged), as they were (ids, versions and checksums); returns them, or null when the store holds the scope already or the backup is
    /// damaged.
    /// </summary>
    public async Task<IReadOnlyList<ContextItem>?> RestoreAsync(string path, CancellationToken cancellationToken)
    {
        if (Read(path) is not { } read)
        {
            logger.LogError("The context backup {Path} is damaged; nothing of it was put back", path);
            return null;
        }
        var (header, items) = read;
        if ((await store.InScopeAsync(header.Scope, header.Key, cancellationToken)).Count > 0)
            return null;
        foreach (var item in items)
            await store.SaveAsync(item, cancellationToken);
        return items;
    }

    /// <summary>A session's own items put back from their backup if the store holds none of them (<see cref="RestoreAsync"/>).</summary>
    public async Task<IReadOnlyList<ContextItem>> RestoreSessionAsync(string sessionId, CancellationToken cancellationToken)
    {
        var path = FilePath("session", sessionId);
        return File.Exists(path) && await RestoreAsync(path, cancellationToken) is { } items ? items : [];
    }

    public async Task<(string? Next, int Resealed)> ResealAsync(AtRest current, string? cursor, int max, CancellationToken cancellationToken)
    {
        var files = BackupFiles.After(Files(), Path, cursor, Math.Max(1, max / 10));
        var resealed = 0;
        foreach (var name in files)
        {
            var path = System.IO.Path.Combine(Path, name);
            // Under the write lock: a backup written again meanwhile is not put back as it was.
            await _writing.WaitAsync(cancellationToken);
            try
            {
                var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
                var end = Array.IndexOf(bytes, (byte)'\n');
                var kept = bytes[(end + 1)..];
                if (end < 0 || !current.IsStale(kept))
                    continue;
                await BackupFiles.WriteCheckedAsync(path, (byte[])[.. bytes.AsSpan(0, end + 1), .. current.Seal(current.Open(kept, Record), Record)],
                    name, cancellationToken);
                resealed++;
            }
            finally
            {
                _writing.Release();
            }
        }
        return (files.Count == 0 ? null : files[^1], resealed);
    }

    /// <summary>Deletes the backup of a session's own items (the session deleted for good).</summary>
    public async Task DeleteSessionAsync(string sessionId, CancellationToken cancellationToken)
    {
        var path = FilePath("session", sessionId);
        await _writing.WaitAsync(cancellationToken);
        try
        {
            if (File.Exists(path))
                File.Delete(path);
        }
        finally
        {
            _writing.Release();
        }
    }

    private string FilePath(string scope, string key)
    {
        var name = FileNames.Encode(key);
        if (name.Length > LongestName)
            name = "sha256-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        return System.IO.Path.Combine(Path, FileNames.Encode(scope), name + Extension);
    }

    /// <summary>Which versions of which items a scope holds, as one string: the file is written again once the store holds others.</summary>
    private static string Held(IEnumerable<(string ItemId, long Version)> versions) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Concat(
            versions.OrderBy(v => v.ItemId, StringComparer.Ordinal).Select(v => $"{v.ItemId}\0{v.Version}\n")))));

    private static Header? ReadHeader(string path)
    {
        try
        {
            using var input = File.OpenRead(path);
            return BackupFiles.FirstLine(input) is { } line ? JsonSerializer.Deserialize<Header>(line) : null;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// A backup's first line. <paramref name="Held"/> names the versions of the items the store held when it was written: the file is
    /// written again once the store holds others.
    /// </summary>
    public sealed record Header(string Scope, string Key, int Items, string Sha256, DateTimeOffset CreatedAt, string Held);
}
