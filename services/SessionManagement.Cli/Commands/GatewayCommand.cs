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
            if (settings is INamesSessions named)
                foreach (var (id, whole) in named.SessionIds)
                    if (id is not null)
                        whole(await WholeSessionIdAsync(client, id, cancellationToken));
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

    /// <summary>
    /// The session an id given names: itself when a session has it, else the one whose id begins so (at least 4 characters, as git
    /// takes a commit's); when several begin so, an error that names them. An id nothing begins with goes on as it is, for the
    /// command to say it is not there.
    /// </summary>
    private static async Task<string> WholeSessionIdAsync(GatewayClient client, string id, CancellationToken cancellationToken)
    {
        if (id.Length < 4 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':')
            || await client.GetJsonAsync($"api/sessions/{Uri.EscapeDataString(id)}", cancellationToken, missingIsNull: true) is not null)
            return id;
        var found = (await client.GetJsonAsync($"api/sessions?idPrefix={Uri.EscapeDataString(id)}&limit=5&sort=oldest", cancellationToken))!.Value;
        var ids = found.GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("sessionId").GetString()!)
            .Where(s => s.StartsWith(id, StringComparison.Ordinal)).ToList(); // a gateway that does not know idPrefix lists every session
        return ids.Count switch
        {
            0 => id,
            1 => ids[0],
            _ => throw new CommandFailedException(
                $"{id} begins {(found.GetProperty("total").GetInt64() > ids.Count ? "more than " : "")}{ids.Count} sessions' ids ({string.Join(", ", ids)}): give more of it",
                ExitCodes.BadInput),
        };
    }

    protected static void PrintJson(JsonElement json) => Output.Plain(JsonSerializer.Serialize(json, Indented));
}

/// <summary>Settings that name sessions: each id given may be the beginning of one, made whole before the command runs.</summary>
internal interface INamesSessions
{
    /// <summary>Each session id given (null when left out), and what takes it once whole.</summary>
    IEnumerable<(string? Id, Action<string> Whole)> SessionIds { get; }
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
