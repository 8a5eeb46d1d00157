using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SessionManagement.Cli.Commands;

internal sealed class AuditSettings : GatewaySettings
{
    [CommandOption("--action <ACTION>")]
    [Description("Only this action: export, restore, branch, import, delete, recovery, backup-restore, context-read, token-used, token-refused, access-refused.")]
    public string? Action { get; init; }

    [CommandOption("--session <ID>")]
    [Description("Only what was done to this session.")]
    public string? Session { get; init; }

    [CommandOption("--user <USER>")]
    [Description("Only what this user did (system: what a schedule or a recovery did).")]
    public string? User { get; init; }

    [CommandOption("--since <TIME>")]
    [Description("Only from this date or time on (2026-12-01, 2026-12-01T09:00:00Z).")]
    public string? Since { get; init; }

    [CommandOption("--limit <N>")]
    [Description("At most this many, newest first (default 100).")]
    public int Limit { get; init; } = 100;

    public override ValidationResult Validate() =>
        Limit is < 1 or > 10_000 ? ValidationResult.Error("--limit must be 1 to 10000") : ValidationResult.Success();
}

/// <summary><c>smctl audit</c>: what was done to kept sessions — exports, restores, branches, imports, deletes, recoveries, reads of others' context, refused tokens — by whom, when, from where.</summary>
internal sealed class AuditCommand : GatewayCommand<AuditSettings>
{
    protected override async Task<int> RunAsync(GatewayClient client, AuditSettings settings, CancellationToken cancellationToken)
    {
        var query = new List<string> { $"limit={settings.Limit}" };
        foreach (var (name, value) in new[] { ("action", settings.Action), ("session", settings.Session), ("user", settings.User), ("since", settings.Since) })
            if (value is not null)
                query.Add($"{name}={Uri.EscapeDataString(value)}");
        var audit = (await client.GetJsonAsync("api/audit?" + string.Join('&', query), cancellationToken))!.Value;
        if (settings.Json)
        {
            PrintJson(audit);
            return ExitCodes.Ok;
        }
        var entries = audit.GetProperty("entries");
        if (entries.GetArrayLength() == 0)
        {
            Out.WriteLine("no entries");
            return ExitCodes.Ok;
        }
        Out.MarkupLine($"[bold]{entries.GetArrayLength()}[/] entries, newest first");
        Out.Write(JsonTable.Of(entries));
        return ExitCodes.Ok;
    }
}
