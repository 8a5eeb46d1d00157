using System.ComponentModel;
using System.Text.Json;
using SessionManagement.Contracts.Gateway;
using Spectre.Console.Cli;

namespace SessionManagement.Cli.Commands;

internal sealed class BranchSettings : GatewaySettings, INamesSessions
{
    [CommandArgument(0, "<SESSION>")]
    [Description("The session to branch.")]
    public string SessionId { get; set; } = "";

    [CommandOption("--at <UUID>")]
    [Description("The message (its uuid, as smctl sessions export -f json shows it) the branch ends with.")]
    public string At { get; init; } = "";

    [CommandOption("--config-dir <DIR>")]
    [Description("Claude Code's folder to write the branch into (default: CLAUDE_CONFIG_DIR, else ~/.claude).")]
    public string? ConfigDirectory { get; init; }

    public IEnumerable<(string? Id, Action<string> Whole)> SessionIds => [(SessionId, whole => SessionId = whole)];
}

/// <summary>
/// <c>smctl branch</c>: a new session (a new id) holding the conversation up to a message, made by the gateway and kept as a child
/// of the session it came from, then written where Claude Code finds it, so <c>claude --resume &lt;new id&gt;</c> goes on from there.
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

        // The gateway makes the branch (the web view's "branch here" too); its transcript is then written where Claude Code looks.
        var made = await client.PostAsync($"api/sessions/{Uri.EscapeDataString(id)}/branch?at={Uri.EscapeDataString(settings.At)}", cancellationToken);
        var branch = made.GetProperty("sessionId").GetString()!;
        var lines = made.GetProperty("lines").GetInt64();
        using var exported = new MemoryStream();
        await client.DownloadAsync($"api/sessions/{Uri.EscapeDataString(branch)}/export?format=jsonl", exported, cancellationToken);
        var bytes = exported.ToArray();
        var session = await client.GetJsonAsync($"api/sessions/{Uri.EscapeDataString(id)}", cancellationToken, missingIsNull: true);
        var cwd = TranscriptText.WorkingDirectory(session)
            ?? throw new CommandFailedException($"session {id} names no working directory: the branch {branch} is kept, restore it with smctl restore {branch} --to-project DIR", ExitCodes.BadInput);
        var path = ClaudeProjects.TranscriptPath(ClaudeProjects.ConfigDirectory(settings.ConfigDirectory), cwd, branch);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, bytes, cancellationToken);
        // Its tool outputs kept in files, where its lines name them: beside it; and its checkpoints of the files it changed, where
        // Claude Code rewinds them from.
        foreach (var (folder, into) in ((string, string)[])[
                     (TranscriptFiles.ToolResultsFolder, Path.Combine(Path.GetDirectoryName(path)!, branch, TranscriptFiles.ToolResultsFolder)),
                     (TranscriptFiles.FileHistoryFolder, Path.Combine(ClaudeProjects.ConfigDirectory(settings.ConfigDirectory), TranscriptFiles.FileHistoryFolder, branch))])
            foreach (var name in (await ToolResultFolder.KeptAsync(client, branch, cancellationToken, folder)).Keys)
                await client.DownloadFileAsync($"api/sessions/{Uri.EscapeDataString(branch)}/{folder}/{Uri.EscapeDataString(name)}", Path.Combine(into, name), cancellationToken);

        if (settings.Json)
            Output.Plain(JsonSerializer.Serialize(new { sessionId = branch, parentSessionId = id, at = settings.At, lines, path }, Indented));
        else
        {
            Output.Plain($"branched {id} at {settings.At} into {branch} ({lines} lines): {path}");
            Output.Plain($"Resume it: cd {SessionsShowCommand.Quote(cwd)} && claude --resume {branch}");
        }
        return ExitCodes.Ok;
    }
}
