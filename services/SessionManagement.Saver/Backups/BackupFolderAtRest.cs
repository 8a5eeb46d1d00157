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
            // Under the folder's lock: a backup that cleanup deletes meanwhile is not written back.
            if (await folder.RewriteAsync(name, bytes =>
                {
                    var newline = Array.IndexOf(bytes, (byte)'\n');
                    if (newline < 0 || !atRest.IsStale(bytes[(newline + 1)..]))
                        return null;
                    return [.. bytes.AsSpan(0, newline + 1), .. atRest.Seal(atRest.Open(bytes[(newline + 1)..], SaverRecords.Backup), SaverRecords.Backup)];
                }, cancellationToken))
                resealed++;
        }
        return (files.Count == 0 ? null : files[^1], resealed);
    }
}
