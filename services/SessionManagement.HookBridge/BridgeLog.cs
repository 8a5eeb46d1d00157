namespace SessionManagement.HookBridge;

/// <summary>
/// sm-hook's trouble reports: one line to stderr (Claude Code's debug log) and the same line appended to
/// <c>sm-hook.log</c> beside the spool. Written only when something went wrong, so the fast path pays nothing.
/// </summary>
internal static class BridgeLog
{
    public static void Write(BridgeEnvironment environment, string message)
    {
        var line = $"{DateTimeOffset.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} sm-hook {BridgeEnvironment.Version}: {message}";
        try
        {
            Console.Error.WriteLine(line);
        }
        catch (IOException)
        {
        }
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(environment.LogFile)!);
            File.AppendAllText(environment.LogFile, line + Environment.NewLine);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
        }
    }
}
