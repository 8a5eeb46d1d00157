namespace SessionManagement.HookBridge;

/// <summary>Everything sm-hook takes from its environment, read once.</summary>
internal sealed record BridgeEnvironment(
    Uri GatewayUrl,
    string? Token,
    TimeSpan HookTimeout,
    TimeSpan StatusLineTimeout,
    string SpoolDirectory,
    string LogFile,
    string Host,
    string User,
    string? ProjectDir)
{
    /// <summary>Written into the build (see the project file): reading it by reflection cost every hook half a millisecond.</summary>
    public const string Version = BridgeVersion.Value;

    public static BridgeEnvironment Read()
    {
        var gateway = Environment.GetEnvironmentVariable("SM_GATEWAY_URL") is { Length: > 0 } url ? url : "http://127.0.0.1:4780";
        var spool = Bridge.SpoolDirectory.DefaultPath();
        return new BridgeEnvironment(
            new Uri(gateway.TrimEnd('/') + "/"),
            Environment.GetEnvironmentVariable("SM_GATEWAY_TOKEN") is { Length: > 0 } token ? token : null,
            Milliseconds("SM_HOOK_TIMEOUT_MS", 3_000),
            Milliseconds("SM_STATUSLINE_TIMEOUT_MS", 500),
            spool,
            Path.Combine(Path.GetDirectoryName(spool.TrimEnd('/')) ?? spool, "sm-hook.log"),
            Environment.MachineName,
            Environment.GetEnvironmentVariable("USER") is { Length: > 0 } user ? user : Environment.UserName, // $USER spares a passwd lookup

            Environment.GetEnvironmentVariable("CLAUDE_PROJECT_DIR") is { Length: > 0 } project ? project : null);
    }

    private static TimeSpan Milliseconds(string variable, int fallback) =>
        TimeSpan.FromMilliseconds(int.TryParse(Environment.GetEnvironmentVariable(variable), out var ms) && ms > 0 ? ms : fallback);
}
