using SessionManagement.Bridge;
using SessionManagement.Bridge.Privacy;

namespace SessionManagement.HookBridge;

/// <summary>
/// The command hook: stdin to the gateway, the gateway's answer to stdout, exit 0 — always. When the
/// gateway cannot take the hook it goes to the spool, fsynced, to be replayed later. Claude Code's teardown does not end it
/// midway (<see cref="TeardownShield"/>).
/// </summary>
internal static class HookCommand
{
    public static int Run(BridgeEnvironment environment, Stream stdin, Func<TextWriter> stdout)
    {
        TeardownShield.Raise();
        var record = new SpoolRecord(Guid.CreateVersion7(), DateTimeOffset.UtcNow, environment.Host, environment.User,
            environment.ProjectDir, "sm-hook/" + BridgeEnvironment.Version, "", []);
        try
        {
            using var input = new MemoryStream();
            stdin.CopyTo(input);
            record = record with { Payload = input.ToArray() };
        }
        catch (Exception error) when (error is IOException or ObjectDisposedException)
        {
            BridgeLog.Write(environment, $"could not read stdin ({error.Message}); keeping what was read");
        }

        string? failure;
        try
        {
            var response = LoopbackHttp.Post(environment.GatewayUrl, "/hooks",
                GatewayHeaders.For(record, environment, spooled: false), record.Payload, HookEvents.WaitFor(record.Payload, environment.HookTimeout));
            if (response.Status is >= 200 and < 300 or 409)
            {
                WriteAnswer(stdout, response.Body);
                return 0;
            }
            if (response.Status is 400 or 413)
            {
                // The gateway refused the input and kept it in its journal (or on its disk): nothing to spool.
                BridgeLog.Write(environment, $"gateway refused hook {record.EventId} ({response.Status}): {System.Text.Encoding.UTF8.GetString(response.Body)}");
                return 0;
            }
            failure = $"gateway answered {response.Status}";
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            failure = $"gateway unreachable at {environment.GatewayUrl} ({error.GetType().Name}: {error.Message})";
        }

        try
        {
            // Kept on this machine until the gateway takes it: its secrets go before it is written (the gateway's own settings apply on replay).
            var file = new SpoolDirectory(environment.SpoolDirectory).Append(record with { Reason = failure, Payload = SecretRedactor.BuiltIn.RedactHook(record.Payload) });
            BridgeLog.Write(environment, $"{failure}; hook {record.EventId} spooled to {file}");
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            BridgeLog.Write(environment, $"{failure}; and the spool {environment.SpoolDirectory} is not writable ({error.Message}): hook {record.EventId} lost");
        }
        return 0;
    }

    private static void WriteAnswer(Func<TextWriter> stdout, byte[] body)
    {
        var text = System.Text.Encoding.UTF8.GetString(body).Trim();
        if (text.Length == 0 || text == "{}")
            return;
        try
        {
            stdout().Write(text);
        }
        catch (IOException)
        {
            // Claude Code stopped reading (a background hook outlived its session): the hook is kept all the same.
        }
    }
}
