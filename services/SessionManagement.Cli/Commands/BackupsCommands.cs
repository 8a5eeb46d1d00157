using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SessionManagement.Cli.Commands;

internal sealed class BackupsListSettings : GatewaySettings, INamesSessions
{
    [CommandArgument(0, "[SESSION]")]
    [Description("The session whose backups to list; without it, every session's.")]
    public string? SessionId { get; set; }

    [CommandOption("-n|--limit <N>")]
    [Description("At most this many, the newest (1-10,000, default 100).")]
    [DefaultValue(100)]
    public int Limit { get; init; } = 100;

    public override ValidationResult Validate() =>
        Limit is < 1 or > 10_000 ? ValidationResult.Error($"--limit must be between 1 and 10000, not {Limit}") : ValidationResult.Success();

    public IEnumerable<(string? Id, Action<string> Whole)> SessionIds => [(SessionId, whole => SessionId = whole)];
}

/// <summary><c>smctl backups list</c>: a session's backups, or every session's, newest first.</summary>
internal sealed class BackupsListCommand : GatewayCommand<BackupsListSettings>
{
    protected override async Task<int> RunAsync(GatewayClient client, BackupsListSettings settings, CancellationToken cancellationToken)
    {
        var listed = (await client.GetJsonAsync(settings.SessionId is null
            ? $"api/backups?limit={settings.Limit}"
            : $"api/sessions/{Uri.EscapeDataString(settings.SessionId)}/backups", cancellationToken))!.Value;
        if (settings.Json)
        {
            PrintJson(listed);
            return ExitCodes.Ok;
        }
        var backups = listed.GetProperty("backups").EnumerateArray().Take(settings.Limit).ToList();
        var table = new Table().AddColumns("Backup", "Session", "Version", "Taken", "Size");
        foreach (var b in backups)
            table.AddRow(Markup.Escape(b.GetProperty("backupId").GetString()!), Markup.Escape(SessionsListCommand.Text(b, "sessionId") ?? settings.SessionId ?? ""),
                SessionsListCommand.Number(b, "version"), Markup.Escape(SessionsListCommand.When(b, "createdAt")),
                SessionsListCommand.Size(b.GetProperty("sizeBytes").GetInt64()));
        Out.Write(table);
        var total = listed.TryGetProperty("total", out var all) && all.GetInt32() > 0 ? all.GetInt32() : listed.GetProperty("backups").GetArrayLength();
        Out.WriteLine($"{backups.Count} of {ClaudeProjects.Count(total)}" + (backups.Count == 0 ? "" : "; restore one with smctl backups restore <backup>"));
        return ExitCodes.Ok;
    }
}

/// <summary><c>smctl backups run</c>: backs up now every session changed since its last backup.</summary>
internal sealed class BackupsRunCommand : GatewayCommand<GatewaySettings>
{
    protected override async Task<int> RunAsync(GatewayClient client, GatewaySettings settings, CancellationToken cancellationToken)
    {
        var accepted = await client.PostAsync("api/backups/run", cancellationToken);
        if (settings.Json)
            PrintJson(accepted);
        else
            Out.MarkupLine(Markup.Escape(accepted.GetProperty("note").GetString() ?? "backups started"));
        return ExitCodes.Ok;
    }
}

internal sealed class BackupSettings : GatewaySettings
{
    [CommandArgument(0, "<BACKUP>")]
    [Description("The backup's id (smctl backups list).")]
    public Guid BackupId { get; init; }
}

/// <summary>
/// <c>smctl backups restore</c>: puts a session back as one of its backups holds it, with its transcripts and its own context items where
/// the store holds nothing of them (a session purged after archiving).
/// </summary>
internal sealed class BackupsRestoreCommand : GatewayCommand<BackupSettings>
{
    protected override async Task<int> RunAsync(GatewayClient client, BackupSettings settings, CancellationToken cancellationToken)
    {
        var restored = await client.PostAsync($"api/backups/{settings.BackupId}/restore", cancellationToken);
        if (settings.Json)
            PrintJson(restored);
        else
        {
            Out.MarkupLine($"restored session {Markup.Escape(restored.GetProperty("sessionId").GetString() ?? "")} from backup {settings.BackupId} " +
                $"(its state and {restored.GetProperty("eventCount").GetInt64():N0} hooks)");
            // What chat and context put back from their own backups: nothing when they held the session already.
            var files = restored.GetProperty("transcriptFiles").GetInt32();
            var items = restored.GetProperty("contextItems").GetInt32();
            if (files > 0 || items > 0)
                Out.MarkupLine($"put back from the backups: {files} transcript files ({restored.GetProperty("transcriptLines").GetInt64():N0} lines), {items} context items");
        }
        return ExitCodes.Ok;
    }
}

internal sealed class HooksSettings : GatewaySettings
{
    [CommandOption("--host <HOST>")]
    public string? Host { get; init; }

    [CommandOption("-p|--project <DIR>")]
    public string? Project { get; init; }
}

/// <summary><c>smctl hooks</c>: which machines and projects send which hooks, with which sm-hook, and when last.</summary>
internal sealed class HooksCommand : GatewayCommand<HooksSettings>
{
    protected override async Task<int> RunAsync(GatewayClient client, HooksSettings settings, CancellationToken cancellationToken)
    {
        var query = "api/hooks?" + (settings.Host is null ? "" : "host=" + Uri.EscapeDataString(settings.Host) + "&")
            + (settings.Project is null ? "" : "project=" + Uri.EscapeDataString(ClaudeProjects.ProjectFolder(settings.Project)));
        var registry = (await client.GetJsonAsync(query.TrimEnd('&', '?'), cancellationToken))!.Value;
        if (settings.Json)
            PrintJson(registry);
        else
            Out.Write(JsonTable.Of(registry.ValueKind == System.Text.Json.JsonValueKind.Array ? registry : registry.GetProperty("hooks")));
        return ExitCodes.Ok;
    }
}
