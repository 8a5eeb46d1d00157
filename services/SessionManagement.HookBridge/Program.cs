using SessionManagement.HookBridge;

// sm-hook: Claude Code's bridge to session management. As a hook it never blocks and always exits 0.
var environment = BridgeEnvironment.Read();
var command = args.Length > 0 ? args[0] : "hook";
try
{
    return command switch
    {
        "hook" => HookCommand.Run(environment, StandardStreams.Input(), () => StandardStreams.Output),
        "statusline" => StatusLineCommand.Run(environment, Console.OpenStandardInput(), Console.Out),
        "drain" => DrainCommand.Run(environment, Console.Out),
        "install" => Install(args[1..], uninstall: false),
        "uninstall" => Install(args[1..], uninstall: true),
        "--version" or "version" => Print(BridgeEnvironment.Version),
        "--help" or "-h" or "help" => Print(Usage()),
        _ => Fail($"unknown command '{command}'\n{Usage()}"),
    };
}
catch (Exception error) when (command is "hook" or "statusline")
{
    // A hook must not fail Claude Code, whatever went wrong here.
    BridgeLog.Write(environment, $"{command} failed unexpectedly: {error}");
    return 0;
}

int Install(string[] options, bool uninstall)
{
    try
    {
        var parsed = InstallOptions.Parse(options, Environment.GetEnvironmentVariable("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));
        var installer = new SettingsInstaller(HookCommandLine(), environment.GatewayUrl, Console.Out);
        if (uninstall)
            installer.Uninstall(parsed);
        else
            installer.Install(parsed.Async is null && !parsed.Http ? parsed with { Async = ClaudeCodeVersion.SupportsAsyncHooks(Console.Out) } : parsed);
        return 0;
    }
    catch (Exception error) when (error is ArgumentException or InvalidDataException or System.Text.Json.JsonException or IOException or UnauthorizedAccessException)
    {
        return Fail(error.Message);
    }
}

// How settings.json should run this very program: the native binary, or the dll under dotnet.
static string HookCommandLine()
{
    var process = Environment.ProcessPath ?? "sm-hook";
    if (Path.GetFileNameWithoutExtension(process) == "dotnet")
        return $"{Quote(process)} {Quote(Path.Combine(AppContext.BaseDirectory, "sm-hook.dll"))}";
    return Quote(process);
}

static string Quote(string path) => path.Contains(' ') ? $"\"{path}\"" : path;

static int Print(string text)
{
    Console.Out.WriteLine(text);
    return 0;
}

static int Fail(string message)
{
    Console.Error.WriteLine("sm-hook: " + message);
    return 2;
}

static string Usage() => """
    usage: sm-hook [hook]            read a hook's JSON on stdin and hand it to the gateway (always exits 0)
           sm-hook statusline        print the status row for the status-line JSON on stdin
           sm-hook drain             replay spooled hooks to the gateway, in capture order
           sm-hook install   [--user | --project DIR] [--http] [--statusline] [--async | --no-async]
           sm-hook uninstall [--user | --project DIR]
    environment: SM_GATEWAY_URL (http://127.0.0.1:4780), SM_GATEWAY_TOKEN, SM_SPOOL_DIR, SM_HOOK_TIMEOUT_MS (3000;
                 800 at most for a hook whose answer nobody reads)
    """;
