using System.Security.Cryptography;
using System.Text;
using SessionManagement.Hosting.Security;
using SessionManagement.Saver.Backups;
using SessionManagement.Testing;

namespace SessionManagement.Saver.Tests;

/// <summary>Backup files sealed again under a new key, read from the disk, and never brought back once deleted.</summary>
public sealed class BackupFolderTests : IDisposable
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private async Task<(BackupFolder Folder, BackupInfo Info, string Name)> WrittenAsync(string body)
    {
        var folder = new BackupFolder(_directory.Path);
        var info = new BackupInfo(Guid.NewGuid(), "s-" + Guid.NewGuid().ToString("N")[..8], 3, DateTimeOffset.UtcNow, body.Length, "sum");
        await folder.WriteAsync(info, Encoding.UTF8.GetBytes(body), Cancel);
        var file = Assert.Single(Directory.GetFiles(_directory.Path, "*.backup", SearchOption.AllDirectories));
        return (folder, info, Path.GetRelativePath(_directory.Path, file));
    }

    [Fact]
    public async Task When_a_backup_is_deleted_while_it_is_rewritten_Should_stay_deleted()
    {
        var (folder, info, name) = await WrittenAsync("the body");
        Task? deleting = null;

        var rewritten = await folder.RewriteAsync(name, bytes =>
        {
            deleting = folder.DeleteAsync([info.BackupId], Cancel); // cleanup, at the worst moment
            Assert.False(deleting.IsCompleted); // it waits for the rewrite
            return [.. bytes, .. "more"u8];
        }, Cancel);
        await deleting!;

        Assert.True(rewritten);
        Assert.Empty(Directory.GetFiles(_directory.Path, "*", SearchOption.AllDirectories)); // neither the backup nor a temporary file
        Assert.False(await folder.RewriteAsync(name, bytes => bytes, Cancel)); // gone: nothing to rewrite, nothing written
        Assert.Empty(Directory.GetFiles(_directory.Path, "*", SearchOption.AllDirectories));
    }

    /// <summary>The folder remembers where the backups it wrote lie; what happens to the files by other hands still counts.</summary>
    [Fact]
    public async Task When_a_backup_file_is_moved_or_removed_by_hand_Should_find_it_where_it_now_lies_or_not_at_all()
    {
        var (folder, info, name) = await WrittenAsync("the body");
        var written = Path.Combine(_directory.Path, name);
        Assert.Equal("the body"u8.ToArray(), (await folder.GetAsync(info.BackupId, Cancel))!.Value.Body);

        var moved = Path.Combine(_directory.Path, "elsewhere", Path.GetFileName(written));
        Directory.CreateDirectory(Path.GetDirectoryName(moved)!);
        File.Move(written, moved);
        Assert.Equal("the body"u8.ToArray(), (await folder.GetAsync(info.BackupId, Cancel))!.Value.Body);
        File.Delete(moved);
        Assert.Null(await folder.GetAsync(info.BackupId, Cancel));
    }

    [Fact]
    public async Task When_keys_rotate_Should_seal_a_clear_backup_on_disk_and_keep_its_header()
    {
        const string secret = "the launch codes are 0000";
        var (folder, _, name) = await WrittenAsync(secret);
        var before = await File.ReadAllBytesAsync(Path.Combine(_directory.Path, name), Cancel);
        var atRest = AtRest.With([("k2", RandomNumberGenerator.GetBytes(32))]);

        var (_, resealed) = await new BackupFolderAtRest(folder).ResealAsync(atRest, null, 100, Cancel);
        var after = await File.ReadAllBytesAsync(Path.Combine(_directory.Path, name), Cancel);

        Assert.Equal(1, resealed);
        var header = Array.IndexOf(before, (byte)'\n') + 1;
        Assert.Equal(before[..header], after[..header]);
        Assert.Equal(-1, after.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret))); // the words are not on the disk any more
        Assert.Equal(secret, Encoding.UTF8.GetString(atRest.Open(after[header..], SessionManagement.Saver.Storage.SaverRecords.Backup)));
        Assert.Equal(0, (await new BackupFolderAtRest(folder).ResealAsync(atRest, null, 100, Cancel)).Resealed); // sealed under the current key: left alone
    }
}
