using System.ComponentModel;
using Spectre.Console.Cli;

namespace SessionManagement.Cli.Commands;

/// <summary>What every command that talks to the gateway takes.</summary>
internal class GatewaySettings : CommandSettings
{
    [CommandOption("--gateway <URL>")]
    [Description("The gateway's address (default: SM_GATEWAY_URL, else http://127.0.0.1:4780).")]
    public string? Gateway { get; init; }

    [CommandOption("--token <TOKEN>")]
    [Description("The gateway's bearer token (default: SM_GATEWAY_TOKEN).")]
    public string? Token { get; init; }

    [CommandOption("--json")]
    [Description("Print the gateway's JSON instead of a table.")]
    public bool Json { get; init; }

    public GatewayClient Client() => new(Gateway, Token);
}
