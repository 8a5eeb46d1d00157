using System.ComponentModel;
using System.Text;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SessionManagement.Cli.Commands;

internal sealed class RestoreSettings : GatewaySettings, INamesSessions
{
    [CommandArgument(0, "<SESSION>")]
    [Description("The session to give back to Claude Code.")]
    public string SessionId { get; set; } = "";

    [CommandOption("--to-project <DIR>")]
    [Description("Re-home it for this project folder (a project that moved, another machine, a teammate): its paths rewritten, the file placed under that project.")]
    public string? ToProject { get; init; }

    [CommandOption("--config-dir <DIR>")]
    [Description("Claude Code's folder to write into (default: CLAUDE_CONFIG_DIR, else ~/.claude).")]
    public string? ConfigDirectory { get; init; }

    public IEnumerable<(string? Id, Action<string> Whole)> SessionIds => [(SessionId, whole => SessionId = whole)];
}

/// <summary>
/// <c>smctl restore</c>: writes a session's transcript (and its subagents') back where Claude Code looks for it, byte for byte as
/// Claude Code wrote it, so <c>claude --resume &lt;id&gt;</c> continues it. A different file already there is never overwritten.
/// </summary>
internal sealed class RestoreCommand : GatewayCommand<RestoreSettings>
{
    protected override async Task<int> RunAsync(GatewayClient client, RestoreSettings settings, CancellationToken cancellationToken)
    {
        client.Purpose = "restore";
        var id = settings.SessionId;
        var escaped = Uri.EscapeDataString(id);
        var files = await client.GetJsonAsync($"api/sessions/{escaped}/files", cancellationToken, missingIsNull: true)
            ?? throw new CommandFailedException($"no transcript of session {id} is kept: nothing to restore (smctl sessions list shows what is)", ExitCodes.NotFound);
        var session = await client.GetJsonAsync($"api/sessions/{escaped}", cancellationToken, missingIsNull: true);

        // A file whose start is not held would start mid-conversation: Claude Code could not follow it back.
        foreach (var file in files.GetProperty("files").EnumerateArray())
            if (file.TryGetProperty("firstOffset", out var first) && first.GetInt64() > 0)
                throw new CommandFailedException($"session {id} is not kept whole: its {(file.GetProperty("file").GetString() ?? "transcript")} starts at byte {first.GetInt64()} "
                    + "(its oldest lines were trimmed by chat_management.history_retention, or never shipped); nothing was written", ExitCodes.Incomplete);

        string target;
        List<(string Path, string Staged, long Bytes, long HeldBytes)> plan;
        var written = new List<string>();
        // Each file as the store gives it back, streamed to a folder of this run's own beside Claude Code's projects (the same disk,
        // so putting a file in place is a rename), never whole in memory.
        var config = ClaudeProjects.ConfigDirectory(settings.ConfigDirectory);
        var staging = Path.Combine(config, "projects", $".smctl-restore-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            var contents = new List<(string? File, string Staged, long HeldBytes)>();
            foreach (var file in files.GetProperty("files").EnumerateArray())
            {
                var name = file.GetProperty("file").ValueKind == JsonValueKind.Null ? null : file.GetProperty("file").GetString();
                var staged = Path.Combine(staging, contents.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
                await using (var output = new FileStream(staged, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, FileOptions.Asynchronous))
                    await client.DownloadAsync($"api/sessions/{escaped}/export?format=jsonl" + (name is null ? "" : "&file=" + Uri.EscapeDataString(name)), output, cancellationToken);
                contents.Add((name, staged, new FileInfo(staged).Length));
            }
            if (contents.All(c => c.File is not null))
                throw new CommandFailedException($"only subagent transcripts of session {id} are kept, not its own: Claude Code could not resume it", ExitCodes.NotFound);

            var cwd = TranscriptText.WorkingDirectory(session)
                ?? File.ReadLines(contents.First(c => c.File is null).Staged).Select(line => TranscriptText.StringField(line, "cwd")).FirstOrDefault(c => c is not null)
                ?? throw new CommandFailedException($"session {id} names no working directory, so where Claude Code looks for it is unknown: give --to-project", ExitCodes.BadInput);
            target = cwd;
            if (settings.ToProject is { } project)
            {
                target = Path.GetFullPath(project).TrimEnd(Path.DirectorySeparatorChar);
                foreach (var (_, staged, _) in contents)
                    await File.WriteAllBytesAsync(staged, Rehome(await File.ReadAllBytesAsync(staged, cancellationToken), cwd, target), cancellationToken);
            }

            // Check every file first: a refusal leaves nothing half restored.
            plan = contents.Select(c => (Path: ClaudeProjects.TranscriptPath(config, target, id, c.File), c.Staged, Bytes: new FileInfo(c.Staged).Length, c.HeldBytes))
                .ToList();
            foreach (var (path, staged, _, _) in plan)
                if (File.Exists(path) && !SameBytes(path, staged))
                    throw new CommandFailedException($"{path} is already there and differs from the kept session: it is left as it is (move it away to restore)", ExitCodes.Conflict);
            foreach (var (path, staged, _, _) in plan)
            {
                if (File.Exists(path))
                    continue;
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.Move(staged, path);
                written.Add(path);
            }
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }

        // The gateway ships on after each file written: when Claude Code resumes the session there, only the lines it adds are taken.
        foreach (var (path, _, bytes, heldBytes) in plan.Where(p => written.Contains(p.Path)))
        {
            try
            {
                await client.SendJsonAsync(HttpMethod.Post, $"api/sessions/{escaped}/restored", new { path, bytes, heldBytes }, cancellationToken);
            }
            catch (GatewayException error)
            {
                Output.Error($"the gateway was not told of {path} ({error.Message}): resumed there, the session's lines would be taken again");
            }
        }

        if (settings.Json)
            Output.Plain(JsonSerializer.Serialize(new { sessionId = id, cwd = target, files = plan.Select(p => p.Path), written }, Indented));
        else
        {
            foreach (var (path, _, bytes, _) in plan)
                Out.MarkupLine($"{(written.Contains(path) ? "[green]restored[/]" : "already there")} {Markup.Escape(path)} ({ClaudeProjects.Count(bytes)} bytes)");
            Output.Plain($"Resume it: cd {SessionsShowCommand.Quote(target)} && claude --resume {id}");
        }
        return ExitCodes.Ok;
    }

    /// <summary>Whether two files hold the same bytes, read side by side a buffer at a time.</summary>
    private static bool SameBytes(string a, string b)
    {
        using var left = File.OpenRead(a);
        using var right = File.OpenRead(b);
        if (left.Length != right.Length)
            return false;
        var x = new byte[1 << 20];
        var y = new byte[1 << 20];
        while (true)
        {
            var n = left.ReadAtLeast(x, x.Length, throwOnEndOfStream: false);
            if (n == 0)
                return true;
            right.ReadExactly(y, 0, n);
            if (!x.AsSpan(0, n).SequenceEqual(y.AsSpan(0, n)))
                return false;
        }
    }

    /// <summary>
    /// The transcript with every <c>"cwd"</c> in <paramref name="from"/> (or below it) moved to <paramref name="to"/>; the rest of each line
    /// is left byte for byte. The paths are matched as Claude Code writes them (JSON.stringify's escaping).
    /// </summary>
    internal static byte[] Rehome(byte[] transcript, string from, string to)
    {
        var text = Encoding.UTF8.GetString(transcript);
        var oldValue = TranscriptText.JsonString(from)[..^1]; // "…/app  (no closing quote: a path below it matches too)
        var newValue = TranscriptText.JsonString(to)[..^1];
        var rewritten = new StringBuilder(text.Length);
        var at = 0;
        const string key = "\"cwd\":";
        for (var found = text.IndexOf(key + oldValue, StringComparison.Ordinal); found >= 0; found = text.IndexOf(key + oldValue, at, StringComparison.Ordinal))
        {
            var end = found + key.Length + oldValue.Length;
            if (end < text.Length && text[end] is not ('"' or '/'))
            {
                rewritten.Append(text, at, end - at); // /work/app2 is not below /work/app
                at = end;
                continue;
            }
            rewritten.Append(text, at, found - at).Append(key).Append(newValue);
            at = end;
        }
        rewritten.Append(text, at, text.Length - at);
        return Encoding.UTF8.GetBytes(rewritten.ToString());
    }
}
