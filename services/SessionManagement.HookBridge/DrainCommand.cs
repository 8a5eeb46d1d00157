using SessionManagement.Bridge;

namespace SessionManagement.HookBridge;

/// <summary>
/// <c>sm-hook drain</c>: replays the spool to the gateway in capture order. The gateway delivers each
/// event id at most once, so a file posted twice (by this and by the gateway's own drain) is harmless; meeting a hook the
/// gateway's own drain is delivering, it stops and leaves the rest to that drain, so the two never overtake each other.
/// </summary>
internal static class DrainCommand
{
    public static int Run(BridgeEnvironment environment, TextWriter stdout)
    {
        var spool = new SpoolDirectory(environment.SpoolDirectory);
        var files = spool.List();
        int delivered = 0, refused = 0, failed = 0;
        for (var i = 0; i < files.Count; i++)
        {
            SpoolRecord record;
            try
            {
                record = SpoolDirectory.Read(files[i]);
            }
            catch (FileNotFoundException)
            {
                continue; // the gateway's own drain took it
            }
            catch (Exception error) when (error is InvalidDataException or System.Text.Json.JsonException or KeyNotFoundException or FormatException)
            {
                stdout.WriteLine($"skipped damaged spool file {SpoolDirectory.Describe(files[i])}: {error.Message}");
                continue;
            }
            LoopbackHttp.Response response;
            try
            {
                response = LoopbackHttp.Post(environment.GatewayUrl, "/hooks",
                    GatewayHeaders.For(record, environment, spooled: true), record.Payload, environment.HookTimeout);
            }
            catch (Exception error) when (error is not OutOfMemoryException)
            {
                stdout.WriteLine($"gateway unreachable at {environment.GatewayUrl} ({error.Message}); {files.Count - i} hooks stay spooled");
                return 1;
            }
            if (response.Status is >= 200 and < 300)
                delivered++;
            else if (response.Status is 400 or 413)
                refused++;
            else if (response.Status == 409)
            {
                // The gateway's own drain is delivering this one now: it goes on in order from here, so this drain stops rather
                // than overtake it with the hooks behind.
                stdout.WriteLine($"the gateway is replaying the spool itself; {files.Count - i} hooks are left to it");
                return failed == 0 ? 0 : 1;
            }
            else if (response.Status == 503)
            {
                stdout.WriteLine($"the gateway cannot keep hooks right now (503); {files.Count - i} hooks stay spooled");
                return 1;
            }
            else
            {
                // Whatever went wrong with this one, the hooks behind it still go; it stays spooled for the next drain.
                stdout.WriteLine($"gateway answered {response.Status} for {SpoolDirectory.Describe(files[i])}; it stays spooled");
                failed++;
                continue;
            }
            SpoolDirectory.Delete(files[i]); // a no-op if the gateway's own drain removed it first
        }
        stdout.WriteLine($"drained {delivered + refused} spooled hooks ({delivered} delivered, {refused} refused as bad input and kept by the gateway); {spool.List().Count} remain");
        return failed == 0 ? 0 : 1;
    }
}
