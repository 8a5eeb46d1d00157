using Spectre.Console;

namespace SessionManagement.Cli.Commands;

/// <summary>
/// <c>smctl use &lt;id&gt;</c>: the session becomes the one its project's next SessionStart treats as the last, so a new
/// <c>claude</c> in that project is handed its state and history (the loader's "last session in this project"). The choice stands
/// until another session of the project has started.
/// </summary>
internal sealed class UseCommand : GatewayCommand<SessionSettings>
{
    protected override async Task<int> RunAsync(GatewayClient client, SessionSettings settings, CancellationToken cancellationToken)
    {
        var used = await client.PostAsync($"api/sessions/{Uri.EscapeDataString(settings.SessionId)}/use", cancellationToken);
        if (settings.Json)
            PrintJson(used);
        else
            Out.MarkupLine($"the next session started in {Markup.Escape(used.GetProperty("projectDir").GetString() ?? "")} continues from {Markup.Escape(settings.SessionId)}");
        return ExitCodes.Ok;
    }
}
