using SessionManagement.Hosting.Security;
using SessionManagement.Saver.Storage;

namespace SessionManagement.Saver.Backups;

/// <summary>
/// The backup files as records sealed at rest: a backup written in clear, or under an older key, is sealed again under the current
/// key, written whole to a temporary name and renamed over the old (a file is whole or absent, as when it was first written).
/// Walked by session folder and file name.
/// </summary>
public sealed class BackupFolderAtRest(BackupFolder folder) : IAtRestRecords
{
    public string Name => "backups";

    public async Task<(string? Next, int Resealed)> ResealAsync(AtRest atRest, string? cursor, int max, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(folder.Path))
            return (null, 0);
        var files = Directory.EnumerateFiles(folder.Path, "*.backup", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(folder.Path, path))
            .Where(name => cursor is null || string.CompareOrdinal(name, cursor) > 0)
            .Order(StringComparer.Ordinal).Take(Math.Max(1, max / 10)).ToList();
        var resealed = 0;
        foreach (var name in files)
        {
            var path = Path.Combine(folder.Path, name);
            byte[] bytes;
            try
            {
                bytes = await File.ReadAllBytesAsync(path, cancellationToken);
            }
            catch (FileNotFoundException)
            {
                continue; // removed by cleanup meanwhile
            }
            var newline = Array.IndexOf(bytes, (byte)'\n');
            if (newline < 0 || !atRest.IsStale(bytes[(newline + 1)..]))
                continue;
            var body = atRest.Seal(atRest.Open(bytes[(newline + 1)..], SaverRecords.Backup), SaverRecords.Backup);
            var temporary = Path.Combine(Path.GetDirectoryName(path)!, "." + Path.GetFileName(path) + ".reseal");
            await using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true))
            {
                await file.WriteAsync(bytes.AsMemory(0, newline + 1), cancellationToken);
                await file.WriteAsync(body, cancellationToken);
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
            resealed++;
        }
        return (files.Count == 0 ? null : files[^1], resealed);
    }
}
