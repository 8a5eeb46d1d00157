using Microsoft.Win32.SafeHandles;

namespace SessionManagement.HookBridge;

/// <summary>
/// File descriptors 0 and 1 as plain streams. System.Console would set up terminal handling and
/// encoders first, a cost every hook would pay for nothing: the hook path reads bytes and, at most,
/// writes one JSON answer.
/// </summary>
internal static class StandardStreams
{
    public static Stream Input() => new FileStream(new SafeFileHandle(0, ownsHandle: false), FileAccess.Read, 1);

    /// <summary>Made only when there is something to write.</summary>
    public static TextWriter Output => new StreamWriter(new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, 1),
        new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { AutoFlush = true };
}
