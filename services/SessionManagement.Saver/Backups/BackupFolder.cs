using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using SessionManagement.Hosting.Options;
using SessionManagement.Hosting.Storage;

namespace SessionManagement.Saver.Backups;

/// <summary>
/// Backups as files outside the live database (<c>Storage:BackupDirectory</c>, else <c>&lt;data&gt;/backups</c>), so a damaged
/// database does not take its backups with it: one folder per session, one file per backup named by version and id, holding a
/// one-line JSON header (id, session, version, time, checksum) and the compressed body. Written to a temporary name, flushed to
/// disk and renamed, so a file is whole or absent.
/// </summary>
public sealed class BackupFolder
{
    private const string Extension = ".backup";

    public BackupFolder(IOptions<StorageOptions> storage)
        : this(storage.Value.BackupPath)
    {
    }

    public BackupFolder(string path) => Path = path;

    public string Path { get; }

    /// <summary>Held while a backup file is rewritten in place or deleted: a backup deleted meanwhile is never written back.</summary>
    private readonly SemaphoreSlim _changing = new(1, 1);

    /// <summary>
    /// Where each backup this process wrote, listed or found lies, by id: a backup read by its id (each one written is read back so)
    /// is opened at once, instead of after a walk through every session's folder, which made a run over 2,000 sessions quadratic.
    /// A file gone since is looked for again.
    /// </summary>
    private readonly ConcurrentDictionary<Guid, string> _known = new();

    public async Task WriteAsync(BackupInfo info, byte[] body, CancellationToken cancellationToken)
    {
        var folder = SessionFolder(info.SessionId);
        Directory.CreateDirectory(folder);
        var final = System.IO.Path.Combine(folder, FileName(info.Version, info.BackupId));
        var temporary = System.IO.Path.Combine(folder, "." + FileName(info.Version, info.BackupId) + ".tmp");
        try
        {
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 64 * 1024, useAsync: true))
            {
                await file.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(new Header(info.BackupId, info.SessionId, info.Version, info.CreatedAt, info.Checksum)), cancellationToken);
                file.WriteByte((byte)'\n');
                await file.WriteAsync(body, cancellationToken);
                await file.FlushAsync(cancellationToken);
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, final);
        }
        catch
        {
            BackupFiles.Discard(temporary); // a write cut short (the disk full) leaves no part of a backup behind
            throw;
        }
        _known[info.BackupId] = final;
    }

    /// <summary>A session's backups, newest version first.</summary>
    public IReadOnlyList<BackupInfo> List(string sessionId)
    {
        var folder = SessionFolder(sessionId);
        if (!Directory.Exists(folder))
            return [];
        return [.. Directory.GetFiles(folder, "*" + Extension).Select(Known).OfType<BackupInfo>()
            .OrderByDescending(b => b.Version).ThenByDescending(b => b.CreatedAt)];
    }

    /// <summary>Every session's backups, newest taken first: the first <paramref name="limit"/> (0: all), and how many there are.</summary>
    public (IReadOnlyList<BackupInfo> Newest, int Total) ListAll(int limit, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(Path))
            return ([], 0);
        var all = new List<BackupInfo>();
        foreach (var file in Directory.EnumerateFiles(Path, "*" + Extension, SearchOption.AllDirectories))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (Known(file) is { } info)
                all.Add(info);
        }
        var newest = all.OrderByDescending(b => b.CreatedAt).ThenByDescending(b => b.Version);
        return ([.. limit > 0 ? newest.Take(limit) : newest], all.Count);
    }

    public async Task<(BackupInfo Info, byte[] Body)?> GetAsync(Guid backupId, CancellationToken cancellationToken)
    {
        if (Find(backupId) is not { } file)
            return null;
        var bytes = await File.ReadAllBytesAsync(file, cancellationToken);
        var newline = Array.IndexOf(bytes, (byte)'\n');
        return newline < 0 || Parse(bytes.AsSpan(0, newline), bytes.Length - newline - 1) is not { } info ? null : (info, bytes[(newline + 1)..]);
    }

    public async Task DeleteAsync(IReadOnlyCollection<Guid> backupIds, CancellationToken cancellationToken)
    {
        await _changing.WaitAsync(cancellationToken);
        try
        {
            foreach (var id in backupIds)
            {
                if (Find(id) is { } file)
                    File.Delete(file);
                _known.TryRemove(id, out _);
            }
        }
        finally
        {
            _changing.Release();
        }
    }

    /// <summary>
    /// Rewrites a backup file (named relative to <see cref="Path"/>) with what <paramref name="rewrite"/> makes of its bytes, whole or
    /// not at all (a temporary file, flushed, renamed over it); <paramref name="rewrite"/> returns null to leave it as it is. False
    /// when the file is not there: deleted, it stays deleted. Deletes wait for a rewrite under way, and a rewrite for them.
    /// </summary>
    public async Task<bool> RewriteAsync(string name, Func<byte[], byte[]?> rewrite, CancellationToken cancellationToken)
    {
        var path = System.IO.Path.Combine(Path, name);
        await _changing.WaitAsync(cancellationToken);
        try
        {
            byte[] bytes;
            try
            {
                bytes = await File.ReadAllBytesAsync(path, cancellationToken);
            }
            catch (Exception error) when (error is FileNotFoundException or DirectoryNotFoundException)
            {
                return false;
            }
            if (rewrite(bytes) is not { } rewritten)
                return false;
            var temporary = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(path)!, "." + System.IO.Path.GetFileName(path) + ".rewrite");
            await using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.Read, 64 * 1024, useAsync: true))
            {
                await file.WriteAsync(rewritten, cancellationToken);
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
            return true;
        }
        finally
        {
            _changing.Release();
        }
    }

    /// <summary>Each backed-up session's newest backed-up version, read from the file names alone.</summary>
    public Dictionary<string, long> NewestVersions()
    {
        var newest = new Dictionary<string, long>(StringComparer.Ordinal);
        if (!Directory.Exists(Path))
            return newest;
        foreach (var folder in Directory.EnumerateDirectories(Path))
        {
            var versions = Directory.EnumerateFiles(folder, "*" + Extension).Select(f => VersionOf(System.IO.Path.GetFileName(f))).OfType<long>().ToList();
            if (versions.Count > 0)
                newest[FileNames.Decode(System.IO.Path.GetFileName(folder))] = versions.Max();
        }
        return newest;
    }

    private string? Find(Guid backupId)
    {
        if (_known.TryGetValue(backupId, out var known) && File.Exists(known))
            return known;
        if (!Directory.Exists(Path))
            return null;
        var found = Directory.EnumerateFiles(Path, $"*-{backupId:N}{Extension}", SearchOption.AllDirectories).FirstOrDefault();
        if (found is not null)
            _known[backupId] = found;
        return found;
    }

    /// <summary>A backup file's header, its place remembered by its id.</summary>
    private BackupInfo? Known(string file)
    {
        var info = ReadInfo(file);
        if (info is not null)
            _known[info.BackupId] = file;
        return info;
    }

    private string SessionFolder(string sessionId) => System.IO.Path.Combine(Path, FileNames.Encode(sessionId));

    private static string FileName(long version, Guid backupId) =>
        version.ToString("D12", CultureInfo.InvariantCulture) + "-" + backupId.ToString("N") + Extension;

    private static long? VersionOf(string name) =>
        name.Length > 13 && long.TryParse(name.AsSpan(0, 12), NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : null;

    private static BackupInfo? ReadInfo(string file)
    {
        try
        {
            using var stream = File.OpenRead(file);
            return BackupFiles.FirstLine(stream) is { } header ? Parse(header, stream.Length - header.Length - 1) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static BackupInfo? Parse(ReadOnlySpan<byte> header, long bodyLength)
    {
        try
        {
            var h = JsonSerializer.Deserialize<Header>(header);
            return h is null ? null : new BackupInfo(h.BackupId, h.SessionId, h.Version, h.CreatedAt, bodyLength, h.Checksum);
        }
        catch (JsonException)
        {
            return null; // a damaged header: the file is skipped, not trusted
        }
    }

    private sealed record Header(Guid BackupId, string SessionId, long Version, DateTimeOffset CreatedAt, string Checksum);
}
