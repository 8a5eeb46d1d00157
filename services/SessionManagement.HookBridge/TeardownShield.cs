using System.Runtime.InteropServices;

namespace SessionManagement.HookBridge;

/// <summary>
/// Keeps a hook that is being delivered alive through Claude Code's teardown. When a <c>claude -p</c> session ends, Claude Code
/// sends SIGTERM to the process group of each background hook still running, and SIGKILL about a second later (seen with
/// 2.1.332: async UserPromptSubmit, Stop and StopFailure hooks signalled 0.1-0.4 s after they started); a hook process ended
/// by the first loses the hook it holds. Ignored, the signal leaves it to finish: its hook is delivered (or spooled, at the latest
/// after <see cref="HookEvents.UnansweredWait"/>, before the SIGKILL), and it exits. SIGHUP and SIGINT (a closed terminal, Ctrl+C) are ignored for the same reason. One system call each, bound when the
/// binary is linked (<c>DirectPInvoke</c>), and no signal thread: the runtime's own signal handling is never set up on the
/// hook path.
/// </summary>
internal static partial class TeardownShield
{
    private const int SigHup = 1, SigInt = 2, SigTerm = 15;
    private const nint Ignore = 1; // SIG_IGN

    public static void Raise()
    {
        if (OperatingSystem.IsWindows())
            return;
        foreach (var signal in (int[])[SigTerm, SigHup, SigInt])
            _ = signal_(signal, Ignore);
    }

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial nint signal_(int signal, nint handler);
}
