using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SessionManagement.Cli.Commands;

internal sealed class SessionsListSettings : GatewaySettings
{
    [CommandOption("-p|--project <DIR>")]
    [Description("Only sessions of this project folder, and of the worktrees Claude Code made in it (claude --worktree: .claude/worktrees/<name>).")]
    public string? Project { get; init; }

    [CommandOption("-s|--status <STATUS>")]
    [Description("active or ended.")]
    public string? Status { get; init; }

    [CommandOption("-n|--limit <N>")]
    [Description("At most this many (1-500, default 20), most recently active first.")]
    [DefaultValue(20)]
    public int Limit { get; init; } = 20;

    [CommandOption("--skip <N>")]
    [Description("Skip this many first.")]
    public int Skip { get; init; }
}

/// <summary><c>smctl sessions list</c>: the sessions the saver keeps, most recently active first.</summary>
internal sealed class SessionsListCommand : GatewayCommand<SessionsListSettings>
{
    protected override async Task<int> RunAsync(GatewayClient client, SessionsListSettings settings, CancellationToken cancellationToken)
    {
        var query = $"api/sessions?limit={settings.Limit}&skip={settings.Skip}"
            + (settings.Project is null ? "" : "&project=" + Uri.EscapeDataString(ClaudeProjects.ProjectFolder(settings.Project)))
            + (settings.Status is null ? "" : "&status=" + Uri.EscapeDataString(settings.Status));
        var list = (await client.GetJsonAsync(query, cancellationToken))!.Value;
        if (settings.Json)
        {
            PrintJson(list);
            return ExitCodes.Ok;
        }
        var table = new Table().AddColumns("Session", "Title", "Project", "Last active", "Status", "Prompts", "Tools");
        foreach (var s in list.GetProperty("sessions").EnumerateArray())
            table.AddRow(Markup.Escape(s.GetProperty("sessionId").GetString()!), Text(s, "title") is { Length: > 0 } title ? Markup.Escape(title) : "[dim](no prompt)[/]",
                Markup.Escape(Text(s, "projectDir") ?? ""),
                Markup.Escape(When(s, "lastEventAt")), Markup.Escape(Text(s, "status") ?? ""), Number(s, "prompts"), Number(s, "toolCalls"));
        Out.Write(table);
        Out.WriteLine($"{list.GetProperty("sessions").GetArrayLength()} of {ClaudeProjects.Count(list.GetProperty("total").GetInt64())}");
        return ExitCodes.Ok;
    }

    internal static string? Text(JsonElement json, string name) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    internal static string Number(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? ClaudeProjects.Count(value.GetInt64()) : "";

    /// <summary>A size as people read it: 512 B, 14 KB, 230 MB, 60.5 GB.</summary>
    internal static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("0.0", CultureInfo.InvariantCulture) + " GB",
        >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("0", CultureInfo.InvariantCulture) + " MB",
        >= 1L << 10 => (bytes / (double)(1L << 10)).ToString("0", CultureInfo.InvariantCulture) + " KB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " B",
    };

    internal static string When(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetDateTimeOffset().ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "";
}

internal sealed class SessionSettings : GatewaySettings, INamesSessions
{
    [CommandArgument(0, "<SESSION>")]
    [Description("The session id.")]
    public string SessionId { get; set; } = "";

    public IEnumerable<(string? Id, Action<string> Whole)> SessionIds => [(SessionId, whole => SessionId = whole)];
}

internal sealed class SessionDeleteSettings : GatewaySettings, INamesSessions
{
    [CommandArgument(0, "<SESSION>")]
    [Description("The session id.")]
    public string SessionId { get; set; } = "";

    [CommandOption("--yes")]
    [Description("Delete without asking (what scripts and a terminal that cannot ask need).")]
    public bool Yes { get; init; }

    [CommandOption("--claude-files")]
    [Description("Delete Claude Code's own files of the session on this machine too: its transcript and its folder (subagents, tool results).")]
    public bool ClaudeFiles { get; init; }

    [CommandOption("--config-dir <DIR>")]
    [Description("Claude Code's folder to look in (default: CLAUDE_CONFIG_DIR, else ~/.claude).")]
    public string? ConfigDirectory { get; init; }

    public IEnumerable<(string? Id, Action<string> Whole)> SessionIds => [(SessionId, whole => SessionId = whole)];
}

/// <summary>
/// <c>smctl sessions delete</c>: a session deleted for good — its state, hooks, conversation, transcript lines, own context items and
/// every backup of them — for a secret kept that should not have been. Asks first, unless <c>--yes</c>.
/// </summary>
internal sealed class SessionsDeleteCommand : GatewayCommand<SessionDeleteSettings>
{
    protected override async Task<int> RunAsync(GatewayClient client, SessionDeleteSettings settings, CancellationToken cancellationToken)
    {
        if (!settings.Yes)
        {
            if (!Out.Profile.Capabilities.Interactive)
            {
                Output.Error($"smctl sessions delete removes session {settings.SessionId} for good, its backups too: add --yes to delete it");
                return ExitCodes.BadInput;
            }
            if (!await Out.ConfirmAsync($"Delete session [bold]{Markup.Escape(settings.SessionId)}[/] for good, with its backups?", defaultValue: false,
                    cancellationToken))
                return ExitCodes.Ok;
        }
        var deleted = await client.DeleteAsync($"api/sessions/{Uri.EscapeDataString(settings.SessionId)}", cancellationToken);
        // The gateway took the id as a session's, so it names no other path: Claude Code's files of it, in any project's folder.
        var claudeFiles = ClaudeCodeFiles(ClaudeProjects.ConfigDirectory(settings.ConfigDirectory), settings.SessionId);
        if (settings.ClaudeFiles)
            foreach (var path in claudeFiles)
            {
                if (Directory.Exists(path))
                    Directory.Delete(path, recursive: true);
                else
                    File.Delete(path);
            }
        if (settings.Json)
            PrintJson(JsonSerializer.SerializeToElement(new
            {
                sessionId = deleted.GetProperty("sessionId").GetString(),
                events = deleted.GetProperty("events").GetInt64(),
                backups = deleted.GetProperty("backups").GetInt32(),
                deletedAt = deleted.GetProperty("deletedAt").GetString(),
                erased = Names(deleted, "erased"),
                waiting = Names(deleted, "waiting"),
                claudeFiles,
                claudeFilesDeleted = settings.ClaudeFiles && claudeFiles.Count > 0,
            }));
        else
        {
            var waiting = Names(deleted, "waiting");
            Out.MarkupLine($"deleted session {Markup.Escape(settings.SessionId)}: {deleted.GetProperty("events").GetInt64()} hooks and "
                + $"{deleted.GetProperty("backups").GetInt32()} backups; "
                + (waiting.Count == 0
                    ? $"{Markup.Escape(string.Join(", ", Names(deleted, "erased")))} erased its conversation, transcript lines and own context items too, with their backups"
                    : $"[yellow]not yet heard from {Markup.Escape(string.Join(", ", waiting))}[/]: each erases its part as it receives the deletion"));
            if (settings.ClaudeFiles)
                foreach (var path in claudeFiles)
                    Out.MarkupLineInterpolated($"deleted Claude Code's {path}");
            else if (claudeFiles.Count > 0)
                Out.MarkupLineInterpolated($"[yellow]Claude Code's own files of it are still here, holding what was deleted until its cleanup removes them: {string.Join(", ", claudeFiles)}; --claude-files deletes them[/]");
        }
        return ExitCodes.Ok;
    }

    /// <summary>A list of names in the gateway's answer (empty from a gateway of before).</summary>
    private static List<string> Names(JsonElement answer, string property) =>
        answer.TryGetProperty(property, out var names) && names.ValueKind == JsonValueKind.Array ? [.. names.EnumerateArray().Select(n => n.GetString()!)] : [];

    /// <summary>Claude Code's files of the session: <c>projects/&lt;any&gt;/&lt;id&gt;.jsonl</c> and the <c>&lt;id&gt;/</c> folder beside it.</summary>
    private static List<string> ClaudeCodeFiles(string configDirectory, string sessionId)
    {
        var found = new List<string>();
        foreach (var project in ClaudeProjects.ProjectFoldersFor(configDirectory, sessionId))
        {
            if (File.Exists(Path.Combine(project, sessionId + ".jsonl")))
                found.Add(Path.Combine(project, sessionId + ".jsonl"));
            if (Directory.Exists(Path.Combine(project, sessionId)))
                found.Add(Path.Combine(project, sessionId));
        }
        return found;
    }
}

/// <summary><c>smctl sessions show</c>: a session's state, its tokens and cost, its transcript files, and the command that resumes it.</summary>
internal sealed class SessionsShowCommand : GatewayCommand<SessionSettings>
{
    protected override async Task<int> RunAsync(GatewayClient client, SessionSettings settings, CancellationToken cancellationToken)
    {
        var id = Uri.EscapeDataString(settings.SessionId);
        var session = await client.GetJsonAsync($"api/sessions/{id}", cancellationToken, missingIsNull: true);
        var files = await client.GetJsonAsync($"api/sessions/{id}/files", cancellationToken, missingIsNull: true);
        if (session is null && files is null)
            throw new CommandFailedException($"no session {settings.SessionId}: neither its state nor any of its transcript is kept", ExitCodes.NotFound);
        var status = await StatusAsync(client, id, cancellationToken);
        var outputs = await client.GetJsonAsync($"api/sessions/{id}/tool-results", cancellationToken, missingIsNull: true);
        var checkpoints = await client.GetJsonAsync($"api/sessions/{id}/file-history", cancellationToken, missingIsNull: true);
        var tasks = await client.GetJsonAsync($"api/sessions/{id}/tasks", cancellationToken, missingIsNull: true);
        if (settings.Json)
        {
            PrintJson(JsonSerializer.SerializeToElement(new { session, status, files = files?.GetProperty("files"), toolOutputs = outputs?.GetProperty("files"),
                fileCheckpoints = checkpoints?.GetProperty("files"), tasks = tasks?.GetProperty("tasks") }));
            return ExitCodes.Ok;
        }
        // The id in a row as well as in the header: the panel is as wide as its rows, and a narrower one cuts its header short.
        var grid = new Grid().AddColumn().AddColumn().AddRow("Session", Markup.Escape(settings.SessionId));
        if (session is { } s)
        {
            foreach (var (label, name) in new[] { ("Title", "title"), ("Project", "projectDir"), ("Branch", "gitBranch"), ("Model", "model"), ("Status", "status"),
                         ("Source", "source"), ("Parent", "parentSessionId") })
                if (SessionsListCommand.Text(s, name) is { } value)
                    grid.AddRow(label, Markup.Escape(value));
            grid.AddRow("Started", SessionsListCommand.When(s, "startedAt"));
            grid.AddRow("Last active", SessionsListCommand.When(s, "lastEventAt"));
            grid.AddRow("Prompts / tools", $"{SessionsListCommand.Number(s, "prompts")} / {SessionsListCommand.Number(s, "toolCalls")}");
        }
        if (status is { } live)
        {
            // As ccusage counts them: input with cache writes and reads, each API response once.
            grid.AddRow("Tokens in / out", $"{SessionsListCommand.Number(live, "inputTokens")} / {SessionsListCommand.Number(live, "outputTokens")}");
            if (live.TryGetProperty("costUsd", out var cost) && cost.ValueKind == JsonValueKind.Number)
            {
                var usd = cost.GetDecimal();
                var unpriced = live.TryGetProperty("unpricedTokens", out var left) && left.ValueKind == JsonValueKind.Number ? left.GetInt64() : 0;
                var priced = "$" + usd.ToString(usd < 10 ? "0.00##" : "#,0.00", CultureInfo.InvariantCulture);
                // Responses of a model with no price are counted and in no cost: say so rather than show less than it cost.
                grid.AddRow("Cost", unpriced == 0 ? priced
                    : usd == 0 ? $"no price for its {ClaudeProjects.Count(unpriced)} tokens (Status:Prices)"
                    : $"≥ {priced} ({ClaudeProjects.Count(unpriced)} tokens with no price; Status:Prices)");
            }
        }
        if (files is { } f)
            foreach (var file in f.GetProperty("files").EnumerateArray())
                grid.AddRow(file.GetProperty("file").ValueKind == JsonValueKind.Null ? "Transcript" : "Subagent",
                    Markup.Escape($"{file.GetProperty("file").GetString() ?? settings.SessionId + ".jsonl"} ({ClaudeProjects.Count(file.GetProperty("lines").GetInt64())} lines)"));
        if (outputs?.GetProperty("files") is { } large && large.GetArrayLength() > 0) // the outputs too large for the transcript, kept whole
            grid.AddRow("Tool outputs", $"{large.GetArrayLength()} in tool-results/ ({ClaudeProjects.Count(large.EnumerateArray().Sum(f => f.GetProperty("length").GetInt64()))} bytes)");
        if (checkpoints?.GetProperty("files") is { } copies && copies.GetArrayLength() > 0) // the files it changed, as they were: what /rewind puts back
            grid.AddRow("File checkpoints", $"{copies.GetArrayLength()} in file-history/ ({ClaudeProjects.Count(copies.EnumerateArray().Sum(f => f.GetProperty("length").GetInt64()))} bytes)");
        if (tasks?.GetProperty("tasks") is { } list && list.GetArrayLength() > 0) // Claude Code's task list, as TaskList shows it
            grid.AddRow("Tasks", Markup.Escape(string.Join(", ", list.EnumerateArray()
                .GroupBy(t => t.TryGetProperty("status", out var state) && state.ValueKind == JsonValueKind.String ? state.GetString()! : "unknown")
                .Select(g => $"{g.Count()} {g.Key.Replace('_', ' ')}"))));
        Out.Write(new Panel(grid).Header(Markup.Escape(settings.SessionId)));
        var project = TranscriptText.WorkingDirectory(session);
        if (files is { } kept && kept.GetProperty("files").GetArrayLength() > 0)
        {
            if (project is null || Directory.Exists(project))
                Output.Plain($"Resume it: smctl restore {settings.SessionId} && cd {Quote(project ?? ".")} && claude --resume {settings.SessionId}");
            else if (ClaudeProjects.CheckoutToResumeIn(project) is { } checkout)
                Output.Plain($"Resume it in its checkout (its worktree {project} is gone): smctl restore {settings.SessionId} --to-project {Quote(checkout)} && cd {Quote(checkout)} && claude --resume {settings.SessionId}");
            else
                Output.Plain($"Resume it in a folder of yours ({project} is not on this machine): smctl restore {settings.SessionId} --to-project DIR && cd DIR && claude --resume {settings.SessionId}");
        }
        else
            Output.Plain("No transcript of it is kept (Claude Code wrote none, or it was not taken in): it cannot be resumed.");
        return ExitCodes.Ok;
    }

    /// <summary>The session's tokens and cost from the status module; null when it has none, or no status module answers (the rest is shown).</summary>
    private static async Task<JsonElement?> StatusAsync(GatewayClient client, string id, CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetJsonAsync($"api/status/sessions/{id}", cancellationToken, missingIsNull: true);
        }
        catch (GatewayException error) when (error.ExitCode == ExitCodes.GatewayFailed)
        {
            return null;
        }
    }

    internal static string Quote(string path) => path.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"' or '$') ? "'" + path.Replace("'", "'\\''") + "'" : path;
}

internal sealed class SessionsSearchSettings : GatewaySettings
{
    [CommandArgument(0, "<WORDS>")]
    [Description("The words to find (all of them).")]
    public string[] Words { get; init; } = [];

    [CommandOption("-p|--project <DIR>")]
    [Description("Only messages of this project folder's sessions, and of its worktrees' (claude --worktree).")]
    public string? Project { get; init; }

    [CommandOption("--session <ID>")]
    [Description("Only this session's messages.")]
    public string? Session { get; init; }

    [CommandOption("-r|--role <ROLE>")]
    [Description("user, assistant, tool, system or summary.")]
    public string? Role { get; init; }

    [CommandOption("-n|--limit <N>")]
    [Description("At most this many hits (1-200, default 20), best first.")]
    [DefaultValue(20)]
    public int Limit { get; init; } = 20;
}

/// <summary><c>smctl sessions search</c>: messages and tool calls that hold every word, best first.</summary>
internal sealed class SessionsSearchCommand : GatewayCommand<SessionsSearchSettings>
{
    protected override async Task<int> RunAsync(GatewayClient client, SessionsSearchSettings settings, CancellationToken cancellationToken)
    {
        var query = $"api/search?q={Uri.EscapeDataString(string.Join(' ', settings.Words))}&limit={settings.Limit}"
            + (settings.Project is null ? "" : "&project=" + Uri.EscapeDataString(ClaudeProjects.ProjectFolder(settings.Project)))
            + (settings.Session is null ? "" : "&session=" + Uri.EscapeDataString(settings.Session))
            + (settings.Role is null ? "" : "&role=" + Uri.EscapeDataString(settings.Role));
        var found = (await client.GetJsonAsync(query, cancellationToken))!.Value;
        if (settings.Json)
        {
            PrintJson(found);
            return ExitCodes.Ok;
        }
        var table = new Table().AddColumns("Session", "When", "Role", "Snippet");
        foreach (var hit in found.GetProperty("hits").EnumerateArray())
            table.AddRow(Markup.Escape(hit.GetProperty("sessionId").GetString()!), Markup.Escape(SessionsListCommand.When(hit, "timestamp")),
                Markup.Escape(SessionsListCommand.Text(hit, "role") ?? ""), Marked(hit));
        Out.Write(table);
        return ExitCodes.Ok;
    }

    /// <summary>The hit's snippet, its matched words in bold yellow (plain where colour is off).</summary>
    internal static string Marked(JsonElement hit)
    {
        var snippet = SessionsListCommand.Text(hit, "snippet") ?? "";
        var marked = new System.Text.StringBuilder();
        var at = 0;
        if (hit.TryGetProperty("marks", out var marks) && marks.ValueKind == JsonValueKind.Array)
            foreach (var mark in marks.EnumerateArray())
            {
                var (start, length) = (mark.GetProperty("start").GetInt32(), mark.GetProperty("length").GetInt32());
                if (start < at || start + length > snippet.Length)
                    continue;
                marked.Append(Markup.Escape(snippet[at..start])).Append("[bold yellow]").Append(Markup.Escape(snippet.Substring(start, length))).Append("[/]");
                at = start + length;
            }
        return marked.Append(Markup.Escape(snippet[at..])).ToString();
    }
}

internal sealed class SessionsExportSettings : GatewaySettings, INamesSessions
{
    [CommandArgument(0, "<SESSION>")]
    public string SessionId { get; set; } = "";

    [CommandOption("-f|--format <FORMAT>")]
    [Description("jsonl (the transcript file, byte for byte), json (lossless, every message and record) or markdown.")]
    [DefaultValue("jsonl")]
    public string Format { get; init; } = "jsonl";

    [CommandOption("--file <FILE>")]
    [Description("With jsonl: one of the session's subagent transcripts (subagents/agent-<id>.jsonl) instead of its own.")]
    public string? File { get; init; }

    [CommandOption("-o|--output <PATH>")]
    [Description("Write there instead of to stdout.")]
    public string? OutputPath { get; init; }

    public IEnumerable<(string? Id, Action<string> Whole)> SessionIds => [(SessionId, whole => SessionId = whole)];
}

/// <summary><c>smctl sessions export</c>: a session as its transcript file, as lossless JSON, or as Markdown.</summary>
internal sealed class SessionsExportCommand : GatewayCommand<SessionsExportSettings>
{
    protected override async Task<int> RunAsync(GatewayClient client, SessionsExportSettings settings, CancellationToken cancellationToken)
    {
        var path = $"api/sessions/{Uri.EscapeDataString(settings.SessionId)}/export?format={Uri.EscapeDataString(settings.Format)}"
            + (settings.File is null ? "" : "&file=" + Uri.EscapeDataString(settings.File));
        if (settings.OutputPath is null)
        {
            await using var stdout = Console.OpenStandardOutput();
            return await client.DownloadAsync(path, stdout, cancellationToken) ? ExitCodes.Ok : NotFound(settings);
        }
        var partial = settings.OutputPath + ".partial";
        await using (var file = System.IO.File.Create(partial))
        {
            if (!await client.DownloadAsync(path, file, cancellationToken))
            {
                file.Close();
                System.IO.File.Delete(partial);
                return NotFound(settings);
            }
        }
        System.IO.File.Move(partial, settings.OutputPath, overwrite: true);
        Output.Errors.WriteLine($"wrote {settings.OutputPath} ({ClaudeProjects.Count(new FileInfo(settings.OutputPath).Length)} bytes)");
        return ExitCodes.Ok;
    }

    private static int NotFound(SessionsExportSettings settings)
    {
        Output.Error($"no session {settings.SessionId}{(settings.File is null ? "" : $" with a file {settings.File}")}");
        return ExitCodes.NotFound;
    }
}
