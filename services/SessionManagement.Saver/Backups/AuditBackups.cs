using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionManagement.Contracts.Saver;
using SessionManagement.Hosting.Options;
using SessionManagement.Hosting.Storage;
using SessionManagement.Saver.Storage;

namespace SessionManagement.Saver.Backups;

/// <summary>
/// The audit trail, kept as files outside the live database beside the sessions' backups (<c>&lt;backups&gt;/.audit/&lt;yyyy-MM&gt;.audit</c>,
/// one a month): a trail that went with a damaged database would not say what was done before it. Each file is a header line
/// (the month, how many entries, the SHA-256 of the entries' JSON), then the entries as JSON, oldest first. A backup run writes
/// again the months that changed, from the month before the newest file's on (an entry may be recorded a little after its time);
/// each file is written to a temporary name, flushed, read back and renamed over the last. The trail holds no conversation
/// content (ids, times, actions, users, addresses, routes), and is kept in clear as the store keeps it.
/// </summary>
public sealed class AuditBackups(IOptions<StorageOptions> storage, ISessionStore store, ILogger<AuditBackups> logger)
{
    private const string Extension = ".audit";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Under the backup folder, beside the sessions' folders: a name no session's folder has.</summary>
    public string Path { get; } = System.IO.Path.Combine(storage.Value.BackupPath, ".audit");

    /// <summary>Writes the months whose entries changed since their file was written; returns how many files were written.</summary>
    public async Task<int> BackUpChangedAsync(CancellationToken cancellationToken)
    {
        var since = Files().LastOrDefault() is { } newest
            && DateTimeOffset.TryParseExact(System.IO.Path.GetFileNameWithoutExtension(newest), "yyyy-MM", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal, out var month)
            ? month.AddMonths(-1)
            : (DateTimeOffset?)null;
        var entries = await store.ListAuditAsync(new ListAudit(null, null, null, since, int.MaxValue), cancellationToken);
        var written = 0;
        foreach (var inMonth in entries.GroupBy(e => e.At.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture)))
        {
            var ordered = inMonth.OrderBy(e => e.At).ThenBy(e => e.AuditId).ToList();
            var body = JsonSerializer.SerializeToUtf8Bytes(ordered, Json);
            var sha256 = Convert.ToHexStringLower(SHA256.HashData(body));
            var path = System.IO.Path.Combine(Path, inMonth.Key + Extension);
            if (ReadHeader(path)?.Sha256 == sha256)
                continue;
            byte[] file = [.. JsonSerializer.SerializeToUtf8Bytes(new Header(inMonth.Key, ordered.Count, sha256), Json), (byte)'\n', .. body];
            await BackupFiles.WriteCheckedAsync(path, file, $"the audit trail of {inMonth.Key}", cancellationToken);
            written++;
        }
        return written;
    }

    /// <summary>Every month's file, oldest first.</summary>
    public IEnumerable<string> Files() =>
        Directory.Exists(Path) ? Directory.EnumerateFiles(Path, "*" + Extension).Order(StringComparer.Ordinal) : [];

    /// <summary>
    /// Records again every entry of every intact file (each is kept once, by its id, so entries the store holds stay as they are);
    /// returns how many entries the files held, and how many files were damaged and passed over.
    /// </summary>
    public async Task<(int Entries, int Damaged)> RestoreAsync(CancellationToken cancellationToken)
    {
        int entries = 0, damaged = 0;
        foreach (var path in Files())
        {
            if (Read(path) is not { } kept)
            {
                logger.LogError("The audit backup {Path} is damaged; its entries were not put back", path);
                damaged++;
                continue;
            }
            await store.RecordAuditAsync(kept, cancellationToken);
            entries += kept.Count;
        }
        return (entries, damaged);
    }

    /// <summary>A file's entries; null when it cannot be read or does not give back what its header says.</summary>
    private static List<AuditRecorded>? Read(string path)
    {
        try
        {
            var bytes = File.ReadAllBytes(path);
            var end = Array.IndexOf(bytes, (byte)'\n');
            if (end < 0 || JsonSerializer.Deserialize<Header>(bytes.AsSpan(0, end), Json) is not { } header)
                return null;
            var body = bytes.AsSpan(end + 1);
            return Convert.ToHexStringLower(SHA256.HashData(body)) == header.Sha256
                && JsonSerializer.Deserialize<List<AuditRecorded>>(body, Json) is { } entries && entries.Count == header.Entries
                ? entries
                : null;
        }
        catch (Exception error) when (error is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static Header? ReadHeader(string path)
    {
        try
        {
            using var input = File.OpenRead(path);
            return BackupFiles.FirstLine(input) is { } line ? JsonSerializer.Deserialize<Header>(line, Json) : null;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    /// <summary>A file's first line.</summary>
    public sealed record Header(string Month, int Entries, string Sha256);
}
