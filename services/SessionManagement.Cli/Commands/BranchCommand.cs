using System.ComponentModel;
using System.Text;
using System.Text.Json;
using Spectre.Console.Cli;

namespace SessionManagement.Cli.Commands;

internal sealed class BranchSettings : GatewaySettings
{
    [CommandArgument(0, "<SESSION>")]
    [Description("The session to branch.")]
    public string SessionId { get; init; } = "";

    [CommandOption("--at <UUID>")]
    [Description("The message (its uuid, as smctl sessions export -f json shows it) the branch ends with.")]
    public string At { get; init; } = "";

    [CommandOption("--config-dir <DIR>")]
    [Description("Claude Code's folder to write the branch into (default: CLAUDE_CONFIG_DIR, else ~/.claude).")]
    public string? ConfigDirectory { get; init; }
}

/// <summary>
/// <c>smctl branch</c>: a new session (a new id) holding the conversation up to a message, kept by the store as a child of the
/// session it came from and written where Claude Code finds it, so <c>claude --resume &lt;new id&gt;</c> goes on from there.
/// </summary>
internal sealed class BranchCommand : GatewayCommand<BranchSettings>
{
    protected override async Task<int> RunAsync(GatewayClient client, BranchSettings settings, CancellationToken cancellationToken)
    {
        client.Purpose = "branch";
        var id = settings.SessionId;
        if (settings.At.Length == 0)
            throw new CommandFailedException("--at names the message the branch ends with (its uuid)", ExitCodes.BadInput);
        if (await client.HeldFileAsync(id, null, cancellationToken) is not { } held)
            throw new CommandFailedException($"no transcript of session {id} is kept: nothing to branch", ExitCodes.NotFound);
        if (held.FirstOffset > 0)
            throw new CommandFailedException($"session {id} is not kept whole (its oldest lines were trimmed): a branch of it would start mid-conversation", ExitCodes.Incomplete);
        using var exported = new MemoryStream();
        await client.DownloadAsync($"api/sessions/{Uri.EscapeDataString(id)}/export?format=jsonl", exported, cancellationToken);

        // The session's lines in file order up to the message's own, each as it was, its session id the branch's.
        var lines = Encoding.UTF8.GetString(exported.ToArray()).Split('\n');
        var end = Array.FindIndex(lines, line => TranscriptText.StringField(line, "uuid") == settings.At);
        if (end < 0)
            throw new CommandFailedException($"session {id} has no message {settings.At}", ExitCodes.NotFound);
        var branch = Guid.NewGuid().ToString();
        var from = "\"sessionId\":" + TranscriptText.JsonString(id);
        var to = "\"sessionId\":" + TranscriptText.JsonString(branch);
        var bytes = Encoding.UTF8.GetBytes(string.Concat(lines.Take(end + 1).Select(line => line.Replace(from, to, StringComparison.Ordinal) + "\n")));

        var upload = Path.Combine(Path.GetTempPath(), $"smctl-branch-{branch}.jsonl");
        try
        {
            await File.WriteAllBytesAsync(upload, bytes, cancellationToken);
            await client.PostFileAsync($"api/sessions/import?session={branch}&parent={Uri.EscapeDataString(id)}&name={branch}.jsonl", upload, cancellationToken);
        }
        finally
        {
            File.Delete(upload);
        }
        var session = await client.GetJsonAsync($"api/sessions/{Uri.EscapeDataString(id)}", cancellationToken, missingIsNull: true);
        var cwd = TranscriptText.WorkingDirectory(session)
            ?? throw new CommandFailedException($"session {id} names no working directory: the branch {branch} is kept, restore it with smctl restore {branch} --to-project DIR", ExitCodes.BadInput);
        var path = ClaudeProjects.TranscriptPath(ClaudeProjects.ConfigDirectory(settings.ConfigDirectory), cwd, branch);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, bytes, cancellationToken);

        if (settings.Json)
            Output.Plain(JsonSerializer.Serialize(new { sessionId = branch, parentSessionId = id, at = settings.At, lines = end + 1, path }, Indented));
        else
        {
            Output.Plain($"branched {id} at {settings.At} into {branch} ({end + 1} lines): {path}");
            Output.Plain($"Resume it: cd {SessionsShowCommand.Quote(cwd)} && claude --resume {branch}");
        }
        return ExitCodes.Ok;
    }
}
