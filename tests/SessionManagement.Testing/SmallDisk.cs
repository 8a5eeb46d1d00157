using System.Diagnostics;

namespace SessionManagement.Testing;

/// <summary>A small disk for a test to fill up: a tmpfs mounted on a temporary folder (it takes root), unmounted when disposed.</summary>
public sealed class SmallDisk : IDisposable
{
    private readonly TempDirectory _folder;

    private SmallDisk(TempDirectory folder) => _folder = folder;

    public string Path => _folder.Path;

    /// <summary>A disk of <paramref name="megabytes"/>; null, with why, where none can be mounted (not root, no tmpfs).</summary>
    public static SmallDisk? TryMount(int megabytes, out string? refused)
    {
        if (Environment.UserName != "root")
        {
            refused = "needs root to mount a small tmpfs";
            return null;
        }
        var folder = new TempDirectory();
        if ((refused = Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", folder.Path)) is not null)
        {
            folder.Dispose();
            refused = $"cannot mount a tmpfs here: {refused}";
            return null;
        }
        return new SmallDisk(folder);
    }

    /// <summary>Fills what is left of the disk with the file <paramref name="name"/>, to its last crumbs; deleting it frees the space.</summary>
    public string Fill(string name = "ballast")
    {
        var path = _folder.File(name);
        var block = new byte[1024 * 1024];
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1);
        try
        {
            while (true)
                file.Write(block);
        }
        catch (IOException)
        {
            // the disk is full
        }
        try
        {
            for (var size = 64 * 1024; size > 0; size /= 2)
                file.Write(block, 0, size); // the last crumbs too
        }
        catch (IOException)
        {
        }
        return path;
    }

    public void Dispose()
    {
        Run("umount", "-l", Path);
        _folder.Dispose();
    }

    private static string? Run(string command, params string[] args)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        try
        {
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? null : error.Trim();
        }
        catch (System.ComponentModel.Win32Exception error)
        {
            return error.Message;
        }
    }
}
