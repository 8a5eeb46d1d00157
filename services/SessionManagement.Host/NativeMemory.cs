using System.Runtime.InteropServices;

namespace SessionManagement.Host;

/// <summary>How the C library's allocator serves the native code the host runs (SQLite, zlib).</summary>
internal static class NativeMemory
{
    /// <summary>glibc's <c>M_ARENA_MAX</c>.</summary>
    private const int ArenaMax = -8;

    /// <summary>
    /// Caps glibc's malloc at two arenas, as <c>MALLOC_ARENA_MAX=2</c> would. By default every thread that allocates at a
    /// busy moment gets an arena of its own (up to eight per core) and each keeps what it freed: a 500 MB import, whose
    /// compression and SQLite run on whichever pool thread is free, held 13 MB more at its peak that way. An allocator
    /// without <c>mallopt</c> (musl, other systems) is left as it is; a setting given in the environment wins.
    /// </summary>
    public static void LimitArenas()
    {
        if (Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") is null)
            Glibc(() => mallopt(ArenaMax, 2));
    }

    /// <summary>
    /// Hands the C library's free memory back to the system (glibc's <c>malloc_trim</c>): what SQLite and compression freed stays
    /// mapped otherwise. Whether it could be asked.
    /// </summary>
    public static bool Trim() => Glibc(() => malloc_trim(0));

    /// <summary>Calls into glibc on Linux; whether the call could be made (another allocator or system lacks it).</summary>
    private static bool Glibc(Func<int> call)
    {
        if (!OperatingSystem.IsLinux())
            return false;
        try
        {
            call();
            return true;
        }
        catch (Exception error) when (error is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int malloc_trim(nuint pad);

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int mallopt(int param, int value);
}
