using SessionManagement.Bridge;

namespace SessionManagement.HookBridge;

/// <summary>The status line: the gateway renders the row; with the gateway down, it is rendered here from stdin alone.</summary>
internal static class StatusLineCommand
{
    public static int Run(BridgeEnvironment environment, Stream stdin, TextWriter stdout)
    {
        using var input = new MemoryStream();
        stdin.CopyTo(input);
        var colour = StatusRow.ColourWanted();
        try
        {
            var headers = environment.Token is null ? [] : new List<KeyValuePair<string, string>> { new("Authorization", "Bearer " + environment.Token) };
            var twoLines = Environment.GetEnvironmentVariable("SM_STATUSLINE_FORMAT") == "two-line";
            var path = "/statusline?colour=" + (colour ? "1" : "0") + (twoLines ? "&format=two-line" : "");
            var response = LoopbackHttp.Post(environment.GatewayUrl, path,
                headers, input.ToArray(), environment.StatusLineTimeout);
            if (response.Status is >= 200 and < 300 && response.Body.Length > 0)
            {
                stdout.WriteLine(System.Text.Encoding.UTF8.GetString(response.Body));
                return 0;
            }
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            // Fall through: the row below says capture is down.
        }
        var backlog = new SpoolDirectory(environment.SpoolDirectory).List().Count;
        stdout.WriteLine(StatusRow.Render(input.ToArray(), StatusExtras.Unreachable with { SpoolBacklog = backlog }, colour,
            Environment.GetEnvironmentVariable("SM_STATUSLINE_FORMAT") == "two-line"));
        return 0;
    }
}
