using System.ComponentModel;
using System.Text;
using System.Text.Json;
using SessionManagement.Bridge;
using ContractsFiles = SessionManagement.Contracts.Gateway.TranscriptFiles;
using TaskListFiles = SessionManagement.Contracts.Gateway.TaskListFiles;
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
/// <c>smctl restore</c>: writes a session's transcript (and its subagents', the tool outputs Claude Code kept in files beside it, its
/// checkpoints of the files the session changed, and its task list) back
/// where Claude Code looks for it, byte for byte as Claude Code wrote it, so <c>claude --resume &lt;id&gt;</c> continues it. A file already there that the kept session goes on from (its
/// beginning: the session continued elsewhere since, handed back) is completed in place; a different one is never overwritten.
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
        List<string> written = [], completed = [], outputsWritten = [], ahead = [];
        List<(string Path, string Staged, bool There)> outputPlan = [], checkpointPlan = [];
        List<(string Path, byte[] Bytes, bool There)> taskPlan = [];
        var lengths = new Dictionary<string, long>(StringComparer.Ordinal); // each file written, as long as it is now
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
                await client.DownloadFileAsync($"api/sessions/{escaped}/export?format=jsonl" + (name is null ? "" : "&file=" + Uri.EscapeDataString(name)), staged, cancellationToken);
                contents.Add((name, staged, new FileInfo(staged).Length));
            }
            if (contents.All(c => c.File is not null))
                throw new CommandFailedException($"only subagent transcripts of session {id} are kept, not its own: Claude Code could not resume it", ExitCodes.NotFound);
            // The tool outputs Claude Code kept in files beside the transcript, staged the same way: the session's own, and those of another
            // session its lines name (the session it was forked from: Claude Code's fork names its parent's files, and copies none).
            var named = ToolResultFolder.Named(contents.First(c => c.File is null).Staged);
            var outputs = new List<(string Session, string Name, string Staged, string SourceSha256)>();
            foreach (var owner in named.Select(n => n.Session).Where(s => s != id).Distinct().Prepend(id))
                foreach (var (name, sha) in await ToolResultFolder.KeptAsync(client, owner, cancellationToken))
                {
                    if (owner != id && !named.Any(n => n.Session == owner && n.Name == name))
                        continue;
                    var staged = Path.Combine(staging, "tool-result-" + outputs.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    await client.DownloadFileAsync($"api/sessions/{Uri.EscapeDataString(owner)}/tool-results/{Uri.EscapeDataString(name)}", staged, cancellationToken);
                    outputs.Add((owner, name, staged, sha));
                }
            // Claude Code's checkpoints of the files the session changed, which --rewind-files and /rewind put back.
            var checkpoints = new List<(string Name, string Staged, string SourceSha256)>();
            foreach (var (name, sha) in await ToolResultFolder.KeptAsync(client, id, cancellationToken, ContractsFiles.FileHistoryFolder))
            {
                var staged = Path.Combine(staging, "file-checkpoint-" + checkpoints.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
                await client.DownloadFileAsync($"api/sessions/{escaped}/{ContractsFiles.FileHistoryFolder}/{Uri.EscapeDataString(name)}", staged, cancellationToken);
                checkpoints.Add((name, staged, sha));
            }
            // Its task list, whole: a resumed session lists its tasks from there.
            var taskList = await ToolResultFolder.KeptTaskListAsync(client, id, cancellationToken);

            var cwd = TranscriptText.WorkingDirectory(session)
                ?? File.ReadLines(contents.First(c => c.File is null).Staged).Select(line => TranscriptText.StringField(line, "cwd")).FirstOrDefault(c => c is not null)
                ?? throw new CommandFailedException($"session {id} names no working directory, so where Claude Code looks for it is unknown: give --to-project", ExitCodes.BadInput);
            target = cwd;
            if (settings.ToProject is { } project)
            {
                target = ClaudeProjects.ProjectFolder(project);
                foreach (var (_, staged, _) in contents)
                    await File.WriteAllBytesAsync(staged, Rehome(await File.ReadAllBytesAsync(staged, cancellationToken), cwd, target), cancellationToken);
            }

            // Claude Code's own copy of the session, in whichever project's folder it lies (it goes on writing there when the session is
            // resumed from another folder), is the one compared with, completed or left as it is: never joined by a second copy beside
            // the latest folder. Re-homed, the session goes where it is sent.
            var folder = (settings.ToProject is null ? ClaudeProjects.FolderHolding(config, id) : null)
                ?? Path.Combine(config, "projects", ClaudeProjects.FolderName(target));
            // The lines name the tool outputs where they are restored to: re-homed, or when the folder they name is not on this machine
            // (another machine's Claude Code folder). Where it is, they still lie there, and the file stays byte for byte.
            if (outputs.Count > 0
                && await ToolResultFolder.FolderNamedAsync(named, contents.First(c => c.File is null).Staged, outputs[0].Session, cwd, cancellationToken) is { } namedIn
                && namedIn.Path != folder && (settings.ToProject is not null || !Directory.Exists(namedIn.Path)))
                foreach (var (_, staged, _) in contents)
                    await File.WriteAllBytesAsync(staged, ToolResultFolder.Rehome(await File.ReadAllBytesAsync(staged, cancellationToken),
                        outputs.Select(o => o.Session).Distinct(), namedIn.Json, folder), cancellationToken);
            // Check every file first: a refusal leaves nothing half restored.
            plan = contents.Select(c => (Path: ClaudeProjects.InFolder(folder, id, c.File), c.Staged, Bytes: new FileInfo(c.Staged).Length, c.HeldBytes))
                .ToList();
            var there = plan.ToDictionary(p => p.Path, p => File.Exists(p.Path) ? Compare(p.Path, p.Staged) : (Held.Missing, 0L, 0L), StringComparer.Ordinal);
            foreach (var (path, (held, _, _)) in there)
                if (held == Held.Different)
                    throw new CommandFailedException($"{path} is already there and differs from the kept session: it is left as it is (move it away to restore)", ExitCodes.Conflict);
            // A tool output or checkpoint already there is the kept one when it is the file it was read from, or the bytes kept (its
            // secrets masked).
            foreach (var (path, staged, sourceSha256, what) in outputs.Select(o => (Path.Combine(folder, o.Session, ContractsFiles.ToolResultsFolder, o.Name), o.Staged, o.SourceSha256, "tool output"))
                .Concat(checkpoints.Select(c => (Path.Combine(config, ContractsFiles.FileHistoryFolder, id, c.Name), c.Staged, c.SourceSha256, "file checkpoint"))))
            {
                var isThere = File.Exists(path);
                (what == "tool output" ? outputPlan : checkpointPlan).Add((path, staged, isThere));
                if (isThere && ToolResultFolder.Sha256(path) != sourceSha256 && !SameBytes(path, staged))
                    throw new CommandFailedException($"{path} is already there and differs from the {what} kept: it is left as it is (move it away to restore)", ExitCodes.Conflict);
            }
            if (taskList is { } list)
            {
                // The list as it is there now, when it is the one kept, is left alone; else each file is the kept one or refused.
                var tasksFolder = Path.Combine(config, TaskListFiles.Folder, id);
                var same = TaskListFiles.Read(tasksFolder) is { } onDisk && ToolResultFolder.Sha256Of(onDisk.Bundle) == list.SourceSha256;
                foreach (var (name, text) in list.Files)
                {
                    var path = Path.Combine(tasksFolder, name);
                    var bytes = Encoding.UTF8.GetBytes(text);
                    var isThere = same || File.Exists(path);
                    if (isThere && !same && !File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes))
                        throw new CommandFailedException($"{path} is already there and differs from the task list kept: it is left as it is (move it away to restore)", ExitCodes.Conflict);
                    taskPlan.Add((path, bytes, isThere));
                }
            }
            foreach (var (path, staged, _, _) in plan)
            {
                var (held, length, from) = there[path];
                if (held == Held.Beginning)
                {
                    // Appended, not replaced: Claude Code may hold the file open, and what it holds stays the same file.
                    await using (var source = File.OpenRead(staged))
                    await using (var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite))
                    {
                        if (file.Length != length)
                            throw new CommandFailedException($"{path} changed while it was restored (is Claude Code writing it?): nothing was added to it", ExitCodes.Conflict);
                        source.Seek(from, SeekOrigin.Begin);
                        await source.CopyToAsync(file, cancellationToken);
                        lengths[path] = file.Length;
                    }
                    written.Add(path);
                    completed.Add(path);
                    continue;
                }
                if (held == Held.Ahead)
                    ahead.Add(path);
                if (held is Held.Same or Held.Ahead)
                    continue;
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.Move(staged, path);
                written.Add(path);
                lengths[path] = new FileInfo(path).Length;
            }
            foreach (var (path, staged, isThere) in outputPlan.Concat(checkpointPlan).Where(o => !o.There))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.Move(staged, path);
                outputsWritten.Add(path);
            }
            foreach (var (path, bytes, _) in taskPlan.Where(t => !t.There))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await File.WriteAllBytesAsync(path, bytes, cancellationToken);
                outputsWritten.Add(path);
            }
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }

        // The gateway ships on after each file written: when Claude Code resumes the session there, only the lines it adds are taken.
        foreach (var (path, _, _, heldBytes) in plan.Where(p => written.Contains(p.Path)))
        {
            try
            {
                await client.SendJsonAsync(HttpMethod.Post, $"api/sessions/{escaped}/restored", new { path, bytes = lengths[path], heldBytes }, cancellationToken);
            }
            catch (GatewayException error)
            {
                if (error.ExitCode != ExitCodes.Conflict) // a conflict: a file this gateway does not read (another machine's folder), so never takes again
                    Output.Error($"the gateway was not told of {path} ({error.Message}): resumed there, the session's lines would be taken again");
            }
        }

        if (settings.Json)
            Output.Plain(JsonSerializer.Serialize(new { sessionId = id, cwd = target, files = plan.Select(p => p.Path), written, ahead,
                toolOutputs = outputPlan.Select(o => o.Path), toolOutputsWritten = outputsWritten.Where(p => outputPlan.Any(o => o.Path == p)),
                fileCheckpoints = checkpointPlan.Select(c => c.Path), fileCheckpointsWritten = outputsWritten.Where(p => checkpointPlan.Any(c => c.Path == p)),
                taskList = taskPlan.Select(t => t.Path), taskListWritten = outputsWritten.Where(p => taskPlan.Any(t => t.Path == p)) }, Indented));
        else
        {
            foreach (var (path, _, _, _) in plan) // each file as it lies now: the same records may be other bytes than the kept ones
                Out.MarkupLine($"{(!written.Contains(path) ? "already there" : completed.Contains(path) ? "[green]completed[/]" : "[green]restored[/]")} {Markup.Escape(path)} ({ClaudeProjects.Count(new FileInfo(path).Length)} bytes)"
                    + (ahead.Contains(path) ? ", gone on past what is kept (smctl import takes the rest)" : ""));
            foreach (var (done, what) in (ReadOnlySpan<(List<(string Path, string Staged, bool There)>, string)>)[(outputPlan, "tool output"), (checkpointPlan, "file checkpoint")])
            {
                if (done.Count == 0)
                    continue;
                var n = done.Count(d => !d.There);
                Out.MarkupLine($"{(n > 0 ? "[green]restored[/]" : "already there")} {done.Count} {what}{(done.Count == 1 ? "" : "s")}{(what == "tool output" ? " kept in files" : " (for --rewind-files and /rewind)")}, in "
                    + $"{Markup.Escape(Path.GetDirectoryName(done[0].Path)!)}" + (n > 0 && n < done.Count ? $" ({n} written, the others already there)" : ""));
            }
            if (taskPlan.Count > 0)
                Out.MarkupLine($"{(taskPlan.Any(t => !t.There) ? "[green]restored[/]" : "already there")} its task list ({taskPlan.Count(t => t.Path.EndsWith(".json", StringComparison.Ordinal))} tasks), in "
                    + Markup.Escape(Path.GetDirectoryName(taskPlan[0].Path)!));
            Output.Plain($"Resume it: cd {SessionsShowCommand.Quote(target)} && claude --resume {id}");
            if (!Directory.Exists(target)) // the cd would fail: say where it can go on instead
                Output.Plain(ClaudeProjects.CheckoutToResumeIn(target) is { } checkout
                    ? $"Its worktree {target} is gone; to go on in its checkout: smctl restore {id} --to-project {SessionsShowCommand.Quote(checkout)}"
                    : $"{target} is not on this machine; to go on in a folder of yours: smctl restore {id} --to-project DIR");
        }
        return ExitCodes.Ok;
    }

    /// <summary>What a file where a restore would write holds of the kept session's (<paramref name="kept"/>).</summary>
    private enum Held
    {
        Missing,

        /// <summary>The kept session: its bytes, or its records with this folder's paths (a copy of the session gone on in another folder).</summary>
        Same,

        /// <summary>Its beginning, whole lines of it: the session went on elsewhere since (handed back, or continued on another machine).</summary>
        Beginning,

        /// <summary>The kept session and lines after it: the session went on here since it was kept (resumed where no hook took it in).</summary>
        Ahead,
        Different,
    }

    /// <summary>
    /// How the file at <paramref name="path"/> compares with the kept session's, read side by side a buffer at a time; where the kept file
    /// goes on from when the file holds its beginning; and the file's length.
    /// </summary>
    private static (Held Held, long Length, long From) Compare(string path, string kept)
    {
        using var left = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var right = File.OpenRead(kept);
        var (x, y) = (new byte[1 << 20], new byte[1 << 20]);
        var last = (byte)'\n';
        for (var compared = 0L; ;)
        {
            var n = (int)Math.Min(x.Length, Math.Min(left.Length, right.Length) - compared);
            if (n == 0)
            {
                if (left.Length == right.Length)
                    return (Held.Same, left.Length, left.Length);
                if (compared > 0 && last == '\n')
                    return (left.Length < right.Length ? Held.Beginning : Held.Ahead, left.Length, left.Length);
                break;
            }
            left.ReadExactly(x, 0, n);
            right.ReadExactly(y, 0, n);
            if (!x.AsSpan(0, n).SequenceEqual(y.AsSpan(0, n)))
                break;
            (last, compared) = (x[n - 1], compared + n);
        }
        left.Seek(0, SeekOrigin.Begin);
        right.Seek(0, SeekOrigin.Begin);
        return CompareRecords(left, right);
    }

    /// <summary>
    /// The bytes differ: the file may still hold the kept session's records, line for line, with its own folder's paths (the session
    /// handed off with <c>--to-project</c> and gone on there, then taken in from that copy). All of them: the same session. Its first
    /// ones: its beginning, the kept file going on after as many lines.
    /// </summary>
    private static (Held Held, long Length, long From) CompareRecords(FileStream left, FileStream right)
    {
        using var file = new StreamReader(left, Encoding.UTF8, detectEncodingFromByteOrderMarks: false);
        using var keptLines = new StreamReader(right, Encoding.UTF8, detectEncodingFromByteOrderMarks: false);
        long from = 0;
        var lines = 0;
        while (file.ReadLine() is { } line)
        {
            if (keptLines.ReadLine() is not { } keptLine)
                return (lines > 0 ? Held.Ahead : Held.Different, left.Length, 0); // every kept record, and the file went on
            if (!TranscriptRecords.Same(Encoding.UTF8.GetBytes(line), Encoding.UTF8.GetBytes(keptLine)))
                return (Held.Different, left.Length, 0);
            from += Encoding.UTF8.GetByteCount(keptLine) + 1;
            lines++;
        }
        if (lines == 0 || !EndsWithLineBreak(left))
            return (Held.Different, left.Length, 0);
        return (keptLines.ReadLine() is null ? Held.Same : Held.Beginning, left.Length, from);
    }

    private static bool SameBytes(string path, string other)
    {
        using var left = File.OpenRead(path);
        using var right = File.OpenRead(other);
        if (left.Length != right.Length)
            return false;
        var (x, y) = (new byte[1 << 16], new byte[1 << 16]);
        for (int n; (n = left.ReadAtLeast(x, x.Length, throwOnEndOfStream: false)) > 0;)
        {
            right.ReadExactly(y, 0, n);
            if (!x.AsSpan(0, n).SequenceEqual(y.AsSpan(0, n)))
                return false;
        }
        return true;
    }

    private static bool EndsWithLineBreak(FileStream file)
    {
        file.Seek(-1, SeekOrigin.End);
        return file.ReadByte() == '\n';
    }

    /// <summary>
    /// The transcript with every <c>"cwd"</c> in <paramref name="from"/> (or below it) moved to <paramref name="to"/>, and every
    /// <c>"relocatedCwd"</c> too (the folder Claude Code 2.1.332 moved the session to with <c>/cd</c>: it names the session's project
    /// by the last one); the rest of each line is left byte for byte. The paths are matched as Claude Code writes them
    /// (JSON.stringify's escaping).
    /// </summary>
    internal static byte[] Rehome(byte[] transcript, string from, string to)
    {
        var text = Encoding.UTF8.GetString(transcript);
        var oldValue = TranscriptText.JsonString(from)[..^1]; // "…/app  (no closing quote: a path below it matches too)
        var newValue = TranscriptText.JsonString(to)[..^1];
        foreach (var key in (string[])["\"cwd\":", "\"relocatedCwd\":", "\"realParentDir\":"]) // a checkpoint's file is put back only in its own folder
        {
            var rewritten = new StringBuilder(text.Length);
            var at = 0;
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
            text = rewritten.Append(text, at, text.Length - at).ToString();
        }
        return Encoding.UTF8.GetBytes(text);
    }
}
