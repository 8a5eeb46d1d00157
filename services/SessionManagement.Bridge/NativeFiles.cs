using System.Runtime.InteropServices;

namespace SessionManagement.Bridge;

internal static partial class NativeFiles
{
    public const int ReadOnly = 0;

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int fsync(int descriptor);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int close(int descriptor);
}
