using System.ComponentModel;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using SessionManagement.Contracts.Gateway;
using SessionManagement.Bridge;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SessionManagement.Cli.Commands;

internal sealed class DoctorSettings : GatewaySettings
{
    [CommandOption("--config-dir <DIR>")]
    [Description("Claude Code's folder (default: CLAUDE_CONFIG_DIR, else ~/.claude).")]
    public string? ConfigDirectory { get; init; }

    [CommandOption("--project <DIR>")]
    [Description("The project whose .claude/settings.json to look at too (default: the current folder).")]
    public string? Project { get; init; }
}

/// <summary>
/// <c>smctl doctor</c>: whether sessions are being kept — the gateway reachable and ready, its store and bus, every module running,
/// the hooks installed and posting to that gateway, the spool empty, every kind of backup taken — and which transcripts Claude Code's cleanup will delete within
/// a week that the store does not hold yet.
/// </summary>
internal sealed class DoctorCommand : GatewayCommand<DoctorSettings>
{
    private const int DefaultCleanupDays = 30;

    /// <summary>Below this much free space for the store's data folder, the doctor warns (the store itself refuses writes below 1 MB).</summary>
    private const long LowFreeBytes = 1L << 30;

    private static readonly string[] Modules = ["gateway", "saver", "chat", "context", "loader", "status", "scheduler", "notifier"];

    private sealed record Check(string Name, bool Ok, string Detail);

    protected override async Task<int> RunAsync(GatewayClient client, DoctorSettings settings, CancellationToken cancellationToken)
    {
        var checks = new List<Check>();
        var config = ClaudeProjects.ConfigDirectory(settings.ConfigDirectory);
        var reachable = await GatewayAsync(client, checks, cancellationToken);
        if (reachable)
            await ModulesAsync(client, checks, cancellationToken);
        Hooks(config, Path.GetFullPath(settings.Project ?? "."), client.BaseAddress, checks);
        Spool(checks);
        if (reachable)
        {
            await ErrorsAsync(client, checks, cancellationToken);
            await BackupsAsync(client, checks, cancellationToken);
            await PrivacyAsync(client, checks, cancellationToken);
            await PricesAsync(client, checks, cancellationToken);
        }
        var unheld = reachable ? await CleanupAsync(client, config, checks, cancellationToken) : [];

        if (settings.Json)
            Output.Plain(JsonSerializer.Serialize(new { healthy = checks.All(c => c.Ok), checks = checks.Select(c => new { name = c.Name, ok = c.Ok, detail = c.Detail }), unheld }, Indented));
        else
        {
            var table = new Table().AddColumns("", "Check", "Detail");
            foreach (var check in checks)
                table.AddRow(check.Ok ? "[green]ok[/]" : "[red]no[/]", Markup.Escape(check.Name), Markup.Escape(check.Detail));
            Out.Write(table);
            foreach (var path in unheld.Take(20))
                Out.MarkupLine($"  not held, deleted soon: {Markup.Escape(path)}");
            if (unheld.Count > 0)
                Out.MarkupLine($"Keep them now: [bold]smctl import {Markup.Escape(Path.Combine(config, "projects"))}[/]");
        }
        return checks.All(c => c.Ok) ? ExitCodes.Ok : ExitCodes.Unhealthy;
    }

    /// <summary>The gateway's readiness, and from its report the store (with the free space of its data folder) and the bus.</summary>
    private static async Task<bool> GatewayAsync(GatewayClient client, List<Check> checks, CancellationToken cancellationToken)
    {
        HttpStatusCode status;
        JsonElement? report;
        try
        {
            (status, report) = await client.GetReportAsync("readyz", cancellationToken);
        }
        catch (GatewayException error)
        {
            checks.Add(new Check("gateway", false, error.Message));
            return false;
        }
        var parts = report is { ValueKind: JsonValueKind.Object } r && r.TryGetProperty("checks", out var c) && c.ValueKind == JsonValueKind.Object ? c : default;
        if (status == HttpStatusCode.OK)
            checks.Add(new Check("gateway", true, $"{client.BaseAddress} is ready"));
        else
        {
            var failing = parts.ValueKind == JsonValueKind.Object
                ? parts.EnumerateObject().Where(p => Text(p.Value, "status") != "Healthy").Select(p => $"{p.Name}: {Text(p.Value, "description")}").ToList()
                : [];
            checks.Add(new Check("gateway", false, $"{client.BaseAddress} answers {(int)status} but is not ready"
                + (failing.Count == 0 ? "" : ": " + string.Join("; ", failing))));
        }
        if (parts.ValueKind != JsonValueKind.Object)
            return true;
        if (parts.TryGetProperty("storage", out var store))
        {
            var free = store.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object && data.TryGetProperty("freeBytes", out var bytes)
                && bytes.TryGetInt64(out var n) ? n : (long?)null;
            var healthy = Text(store, "status") == "Healthy";
            checks.Add(new Check("store", healthy && !(free < LowFreeBytes), Text(store, "description") + free switch
            {
                null => "",
                < LowFreeBytes => $"; only {Size(free.Value)} free for its data folder: it stops taking sessions below 1 MB",
                _ => $"; {Size(free.Value)} free for its data folder",
            }));
        }
        if (parts.TryGetProperty("masstransit-bus", out var bus))
            checks.Add(new Check("bus", Text(bus, "status") == "Healthy", $"MassTransit: {Text(bus, "description")}"));
        return true;
    }

    /// <summary>Every module with a running instance (the instance registry, as <c>GET /api/status</c> gives it): one that none runs leaves its messages waiting.</summary>
    private static async Task ModulesAsync(GatewayClient client, List<Check> checks, CancellationToken cancellationToken)
    {
        JsonElement? report;
        try
        {
            (_, report) = await client.GetReportAsync("api/status", cancellationToken);
        }
        catch (GatewayException error)
        {
            checks.Add(new Check("modules", false, $"the gateway does not say: {error.Message}"));
            return;
        }
        if (report is not { ValueKind: JsonValueKind.Object } r || !r.TryGetProperty("modules", out var modules) || modules.ValueKind != JsonValueKind.Object)
        {
            checks.Add(new Check("modules", false, "the gateway does not say which modules run (GET /api/status)"));
            return;
        }
        var running = Modules.Where(m => modules.TryGetProperty(m, out var module) && Text(module, "status") == "Healthy").ToList();
        var missing = Modules.Except(running).ToList();
        var instances = modules.EnumerateObject().SelectMany(m => m.Value.TryGetProperty("instances", out var i) ? i.EnumerateArray() : default)
            .GroupBy(i => Text(i, "instanceId")).Select(g => g.First()).ToList();
        var ways = string.Join(", ", instances.Select(i => $"{Text(i, "transport")} bus, {Text(i, "storage")} store").Distinct());
        checks.Add(missing.Count == 0
            ? new Check("modules", true, $"all {Modules.Length} run, in {instances.Count} {(instances.Count == 1 ? "process" : "processes")} ({ways})")
            : new Check("modules", false, $"none running of {string.Join(", ", missing)}: what they keep waits on the bus until one runs (--target={missing[0]}, or all)"));
    }

    private static string? Text(JsonElement json, string name) => SessionsListCommand.Text(json, name);

    private static string Size(long bytes) => SessionsListCommand.Size(bytes);

    /// <summary>Whether the gateway takes secrets out of what it keeps: turning its detectors off is a choice doctor shows as a problem.</summary>
    /// <summary>
    /// Messages a module failed after the bus's retries (RabbitMQ's <c>_error</c> queues): they wait there, each a hook or a line not
    /// stored until it is replayed. Refused input is told, not failed: it was answered with its reason when it came.
    /// </summary>
    private static async Task ErrorsAsync(GatewayClient client, List<Check> checks, CancellationToken cancellationToken)
    {
        JsonElement errors;
        try
        {
            errors = (await client.GetJsonAsync("api/errors?peek=0&limit=1000", cancellationToken))!.Value;
        }
        catch (GatewayException error)
        {
            checks.Add(new Check("errors", false, $"the gateway does not say: {error.Message}"));
            return;
        }
        var waiting = errors.GetProperty("queues").EnumerateArray()
            .Select(q => (Queue: q.GetProperty("waitingIn").GetString(), Messages: q.GetProperty("messages").GetInt64())).Where(q => q.Messages > 0).ToList();
        var refused = errors.GetProperty("rejected").GetArrayLength();
        var problem = errors.TryGetProperty("problem", out var said) && said.ValueKind == JsonValueKind.String ? said.GetString() : null;
        var detail = waiting.Count == 0
            ? "no failed message waits"
            : $"{Messages(waiting.Sum(w => w.Messages))}, not stored, in {string.Join(", ", waiting.Select(w => $"{w.Queue} ({w.Messages})"))}: "
                + "smctl errors list says why; once that is mended, smctl errors replay <queue> takes them again";
        detail += refused == 0 ? "; no input refused" : $"; {(refused >= 1_000 ? "1,000 or more" : ClaudeProjects.Count(refused))} inputs refused, each answered with why (smctl errors list)";
        checks.Add(new Check("errors", waiting.Count == 0 && problem is null, problem is null ? detail : $"{detail}; {problem}"));
    }

    /// <summary>
    /// Whether each kind of backup (sessions, transcripts, context items, the audit trail) is being taken, as the gateway judges its last
    /// run: a run that could not back up something, or none for longer than twice the schedule's interval, is named with why.
    /// </summary>
    private static async Task BackupsAsync(GatewayClient client, List<Check> checks, CancellationToken cancellationToken)
    {
        JsonElement runs;
        try
        {
            runs = (await client.GetJsonAsync("api/backups/runs", cancellationToken))!.Value;
        }
        catch (GatewayException error)
        {
            checks.Add(new Check("backups", false, $"the gateway does not say: {error.Message}"));
            return;
        }
        var kinds = runs.GetProperty("runs").EnumerateArray()
            .Select(r => (Kind: r.GetProperty("kind").GetString()!, State: r.GetProperty("state").GetString()!, Detail: r.GetProperty("detail").GetString()!,
                Folder: r.TryGetProperty("folder", out var folder) && folder.ValueKind == JsonValueKind.String ? folder.GetString() : null,
                LastRunAt: r.TryGetProperty("lastRunAt", out var last) && last.ValueKind == JsonValueKind.String ? last.GetDateTimeOffset() : (DateTimeOffset?)null))
            .ToList();
        var wrong = kinds.Where(k => k.State is not ("ok" or "pending")).ToList();
        if (wrong.Count > 0)
        {
            checks.Add(new Check("backups", false, string.Join("; ", wrong.Select(k => $"{k.Kind}: {k.Detail}"))
                + (wrong.Any(k => k.State == "failed") ? "; once mended, smctl backups run takes them now" : "")));
            return;
        }
        var pending = kinds.Where(k => k.State == "pending").Select(k => k.Kind).ToList();
        var names = kinds.Select(k => k.Kind switch { "context" => "context items", "audit" => "the audit trail", _ => k.Kind }).ToList();
        var named = names.Count > 1 ? $"{string.Join(", ", names[..^1])} and {names[^1]}" : string.Join("", names);
        checks.Add(new Check("backups", true, $"{named} are backed up every {runs.GetProperty("every").GetString()}"
            + (kinds.FirstOrDefault(k => k.Kind == "sessions").Folder is { } root ? $" in {root}" : "") // the others' folders are in it
            + (kinds.Where(k => k.LastRunAt is not null).OrderByDescending(k => k.LastRunAt).Select(k => k.Detail).FirstOrDefault() is { } newest ? $"; {newest}" : "")
            + (pending.Count > 0 ? $"; no run yet of {string.Join(", ", pending)} (the schedule runs one as it starts)" : "")));
    }

    private static string Messages(long count) => count == 1 ? "1 failed message waits" : $"{count} failed messages wait";

    private static async Task PrivacyAsync(GatewayClient client, List<Check> checks, CancellationToken cancellationToken)
    {
        try
        {
            var privacy = (await client.GetJsonAsync("api/privacy", cancellationToken))!.Value;
            var redaction = privacy.GetProperty("redaction");
            var patterns = redaction.GetProperty("secretPatterns").GetArrayLength();
            checks.Add(redaction.GetProperty("secretDetectors").GetBoolean()
                ? new Check("redaction", true, $"secrets and <private> spans are redacted before anything is kept ({patterns} patterns of your own)")
                : new Check("redaction", false, $"only <private> spans and your {patterns} secret_patterns are redacted: chat_management.redact_secrets is false, so API keys, tokens and passwords are kept as they were typed"));
            // Informative, never failing: a disk encrypted by the system keeps content just as safe.
            if (privacy.TryGetProperty("encryption", out var encryption))
                checks.Add(new Check("encryption", true, encryption.GetProperty("atRest").GetBoolean()
                    ? $"content is sealed at rest under key {encryption.GetProperty("currentKey").GetString()} (smctl keys list)"
                    : "content is kept in clear in the data folder: turn on session_storage.encrypt_at_rest, or keep the folder on an encrypted disk"));
        }
        catch (GatewayException error)
        {
            checks.Add(new Check("redaction", false, $"the gateway does not say: {error.Message}"));
        }
    }

    /// <summary>
    /// The models whose tokens were counted without a price in the last 30 days (the usage report by model) and that the gateway's
    /// table still does not price: every cost leaves their tokens out until <c>Status:Prices</c> gives them one.
    /// </summary>
    private static async Task PricesAsync(GatewayClient client, List<Check> checks, CancellationToken cancellationToken)
    {
        try
        {
            var from = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(-30).ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            var report = (await client.GetJsonAsync($"api/reports/usage?granularity=day&groupBy=model&from={from}", cancellationToken))!.Value;
            var counted = new SortedDictionary<string, long>(StringComparer.Ordinal);
            foreach (var row in report.GetProperty("rows").EnumerateArray())
                if (row.GetProperty("metrics").TryGetProperty("unpriced_tokens", out var tokens) && tokens.GetDouble() > 0
                    && row.GetProperty("group").GetString() is { } model && model != SessionManagement.Contracts.Status.ReportRow.UnknownModel) // no model named: none to price
                    counted[model] = counted.GetValueOrDefault(model) + (long)tokens.GetDouble();
            var unpriced = new List<string>();
            foreach (var (model, tokens) in counted)
                if (await client.GetJsonAsync($"api/prices/{Uri.EscapeDataString(model)}", cancellationToken, missingIsNull: true) is null)
                    unpriced.Add($"{model} ({ClaudeProjects.Count(tokens)} tokens)");
            checks.Add(unpriced.Count == 0
                ? new Check("prices", true, counted.Count == 0 ? "every model of the last 30 days has a price" : $"every model of the last 30 days has a price now ({counted.Count} had none when counted)")
                : new Check("prices", false, $"no price for {string.Join(", ", unpriced)} in the last 30 days: no cost counts their tokens; give each one as Status:Prices:<model> (docs/configuration.md)"));
        }
        catch (GatewayException error)
        {
            checks.Add(new Check("prices", false, $"the gateway does not say: {error.Message}"));
        }
    }

    /// <summary>The events Claude Code's settings run sm-hook for: the user's, and the project's own and local settings.</summary>
    private static void Hooks(string config, string project, Uri gateway, List<Check> checks)
    {
        var events = new SortedSet<string>(StringComparer.Ordinal);
        var elsewhere = new SortedSet<string>(StringComparer.Ordinal); // hooks installed to post straight to a gateway other than this one
        var unwaited = new SortedSet<string>(StringComparer.Ordinal); // events Claude Code must wait for, installed to run in the background
        var gone = new SortedSet<string>(StringComparer.Ordinal); // sm-hook binaries the settings run that are not there (moved, deleted)
        var read = new List<string>();
        foreach (var file in new[] { Path.Combine(config, "settings.json"), Path.Combine(project, ".claude", "settings.json"), Path.Combine(project, ".claude", "settings.local.json") })
        {
            if (!File.Exists(file))
                continue;
            try
            {
                if (JsonNode.Parse(File.ReadAllText(file))?["hooks"] is JsonObject hooks)
                {
                    read.Add(file);
                    foreach (var (name, entries) in hooks)
                    {
                        var handlers = SmHookCommand.OursIn(entries);
                        if (handlers.Count == 0)
                            continue;
                        events.Add(name);
                        foreach (var url in handlers.Select(h => h["url"]?.GetValue<string>()).OfType<string>())
                            if (Uri.TryCreate(url, UriKind.Absolute, out var target) && !SameGateway(target, gateway))
                                elsewhere.Add(target.GetLeftPart(UriPartial.Authority));
                        if (AwaitedHooks.Events.Contains(name) && handlers.Any(h => h["async"] is JsonValue background && background.TryGetValue(out bool on) && on))
                            unwaited.Add(name);
                        foreach (var command in handlers.Select(h => h["command"]).OfType<JsonValue>().Select(c => c.TryGetValue(out string? text) ? text : null).OfType<string>())
                            if (SmHookCommand.PathIn(command) is { } path && !File.Exists(path))
                                gone.Add(path);
                    }
                }
            }
            catch (JsonException error)
            {
                checks.Add(new Check("hooks", false, $"{file} is not valid JSON ({error.Message}): Claude Code will not run hooks from it"));
                return;
            }
        }
        // What an install by an earlier sm-hook, or a hand-edited settings file, leaves out is not captured.
        var missing = ObservedHooks.Events.Where(e => !events.Contains(e)).Order(StringComparer.Ordinal).ToList();
        checks.Add(events.Count == 0
            ? new Check("hooks", false, "no Claude Code settings run sm-hook: sessions are not captured (install: sm-hook install --user)")
            : new Check("hooks", missing.Count == 0 && elsewhere.Count == 0 && unwaited.Count == 0 && gone.Count == 0, $"sm-hook runs for {events.Count} events ({string.Join(", ", events)})"
                + (gone.Count == 0 ? "" : $"; but {string.Join(" and ", gone)} {(gone.Count == 1 ? "is" : "are")} not there (moved or deleted), so Claude Code runs nothing and nothing is captured: run sm-hook install again from where it is now")
                + (missing.Count == 0 ? "" : $"; not for {string.Join(", ", missing)}, so {(missing.Count == 1 ? "that event is" : "those events are")} not captured: run sm-hook install again")
                + (unwaited.Count == 0 ? "" : $"; {string.Join(", ", unwaited)} {(unwaited.Count == 1 ? "runs" : "run")} in the background, where claude -p ends it before it is kept: run sm-hook install again")
                + (elsewhere.Count == 0 ? "" : $"; some post to {string.Join(", ", elsewhere)}, not to this gateway: run sm-hook install again with SM_GATEWAY_URL={gateway.GetLeftPart(UriPartial.Authority)}")));
    }

    /// <summary>The same scheme, host and port (localhost and 127.0.0.1 taken as one).</summary>
    private static bool SameGateway(Uri a, Uri b)
    {
        static string Host(Uri u) => u.IsLoopback ? "loopback" : u.IdnHost;
        return a.Scheme == b.Scheme && a.Port == b.Port && Host(a) == Host(b);
    }

    private static void Spool(List<Check> checks)
    {
        var spool = new SpoolDirectory(SpoolDirectory.DefaultPath());
        var waiting = Directory.Exists(spool.Path) ? spool.List().Count : 0;
        checks.Add(new Check("spool", waiting == 0, waiting == 0 ? $"empty ({spool.Path})"
            : $"{waiting} hooks wait in {spool.Path}: the gateway replays them when it can keep them (now: sm-hook drain)"));
    }

    /// <summary>
    /// Transcripts older than Claude Code's cleanup period less a week (it deletes them at the period) that the store does not hold whole,
    /// and their sessions' tool outputs kept in files, file checkpoints and task lists that it does not hold.
    /// </summary>
    private static async Task<List<string>> CleanupAsync(GatewayClient client, string config, List<Check> checks, CancellationToken cancellationToken)
    {
        var days = DefaultCleanupDays;
        try
        {
            if (JsonNode.Parse(File.ReadAllText(Path.Combine(config, "settings.json")))?["cleanupPeriodDays"] is JsonValue value && value.TryGetValue(out int configured))
                days = configured;
        }
        catch (Exception error) when (error is IOException or JsonException)
        {
        }
        var projects = Path.Combine(config, "projects");
        var soon = DateTime.UtcNow.AddDays(-(days - 7));
        var unheld = new List<string>();
        if (Directory.Exists(projects))
        {
            var heldFiles = new HeldFiles(client);
            foreach (var transcript in TranscriptFolder.Find(projects).Where(t => File.GetLastWriteTimeUtc(t.Path) < soon && t.SessionId is not null))
            {
                if (await heldFiles.OfAsync(transcript.SessionId!, transcript.File, cancellationToken) is not { } held
                    || held.FirstOffset > 0 || held.Lines < TranscriptFolder.CountLines(transcript.Path))
                    unheld.Add(transcript.Path);
                // The tool outputs Claude Code kept in files beside it go with its folder, and its checkpoints of the files it changed with it.
                if (transcript.File is null)
                    foreach (var (files, folder) in ((IReadOnlyList<ToolResultFile>, string)[])[
                                 (ToolResultFolder.Find(transcript.SessionId!, transcript.Path), TranscriptFiles.ToolResultsFolder),
                                 (ToolResultFolder.FindCheckpoints(transcript.SessionId!, transcript.Path), TranscriptFiles.FileHistoryFolder)])
                    {
                        if (files.Count == 0)
                            continue;
                        var kept = await ToolResultFolder.KeptAsync(client, transcript.SessionId!, cancellationToken, folder);
                        unheld.AddRange(files.Where(o => kept.GetValueOrDefault(o.Name) != ToolResultFolder.Sha256(o.Path)).Select(o => o.Path));
                    }
                // And its task list.
                if (transcript.File is null && ToolResultFolder.FindTaskList(transcript.SessionId!, transcript.Path) is { } list
                    && (await ToolResultFolder.KeptTaskListAsync(client, transcript.SessionId!, cancellationToken))?.SourceSha256 != ToolResultFolder.Sha256Of(list))
                    unheld.Add(ToolResultFolder.ClaudeFolder(transcript.SessionId!, transcript.Path, TaskListFiles.Folder)!);
            }
        }
        checks.Add(new Check("cleanup", unheld.Count == 0, unheld.Count == 0
            ? $"Claude Code deletes transcripts after {days} days; every one it deletes within a week is held"
            : $"Claude Code deletes transcripts after {days} days: {unheld.Count} files it deletes within a week are not held (smctl import)"));
        return unheld;
    }
}
