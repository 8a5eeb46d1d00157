namespace SessionManagement.Hosting.Health;

/// <summary>Free space on the file system that holds a folder.</summary>
public static class FreeSpace
{
    /// <summary>Bytes an unprivileged write can still use where <paramref name="path"/> lives, or null when it cannot be told.</summary>
    public static long? Of(string path)
    {
        try
        {
            var existing = Path.GetFullPath(path);
            while (!Directory.Exists(existing) && Path.GetDirectoryName(existing) is { } parent)
                existing = parent;
            return new DriveInfo(existing).AvailableFreeSpace;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }
}
