using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SessionManagement.Cli.Commands;

/// <summary>A command that talks to the gateway: what it could not do becomes a sentence on stderr and an exit code (<see cref="ExitCodes"/>).</summary>
internal abstract class GatewayCommand<TSettings> : AsyncCommand<TSettings> where TSettings : GatewaySettings
{
    protected static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    protected static IAnsiConsole Out => Output.Console;

    public sealed override async Task<int> ExecuteAsync(CommandContext context, TSettings settings, CancellationToken cancellationToken)
    {
        try
        {
            using var client = settings.Client();
            return await RunAsync(client, settings, cancellationToken);
        }
        catch (GatewayException error)
        {
            Output.Error(error.Message);
            return error.ExitCode;
        }
        catch (CommandFailedException error)
        {
            Output.Error(error.Message);
            return error.ExitCode;
        }
    }

    protected abstract Task<int> RunAsync(GatewayClient client, TSettings settings, CancellationToken cancellationToken);

    protected static void PrintJson(JsonElement json) => Output.Plain(JsonSerializer.Serialize(json, Indented));
}

/// <summary>A command that cannot go on, with the sentence that says why and the exit code.</summary>
internal sealed class CommandFailedException(string message, int exitCode) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

/// <summary>Where smctl writes: tables and progress to the console, plain text (JSON, files) to stdout, problems to stderr.</summary>
internal static class Output
{
    public static IAnsiConsole Console { get; set; } = Create();

    public static TextWriter Standard { get; set; } = System.Console.Out;

    public static TextWriter Errors { get; set; } = System.Console.Error;

    public static void Plain(string text) => Standard.WriteLine(text);

    public static void Error(string text) => Errors.WriteLine("smctl: " + text);

    /// <summary>
    /// The console, as wide as <c>COLUMNS</c> says, else the terminal; written to a pipe or a file, wide enough that a table's rows do
    /// not wrap (a session id stays whole for <c>grep</c>).
    /// </summary>
    private static IAnsiConsole Create()
    {
        var console = AnsiConsole.Console;
        if (int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out var columns) && columns > 0)
            console.Profile.Width = columns;
        else if (System.Console.IsOutputRedirected)
            console.Profile.Width = 240;
        return console;
    }
}
