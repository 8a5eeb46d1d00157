using System.ComponentModel;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SessionManagement.Cli.Commands;

internal sealed class MergeSettings : GatewaySettings, INamesSessions
{
    [CommandArgument(0, "<INTO>")]
    [Description("The session that takes the other's context items.")]
    public string Into { get; set; } = "";

    [CommandArgument(1, "<FROM>")]
    [Description("The session whose context items it takes.")]
    public string From { get; set; } = "";

    public override ValidationResult Validate() =>
        Into == From ? ValidationResult.Error("a session cannot be merged into itself") : ValidationResult.Success();

    public IEnumerable<(string? Id, Action<string> Whole)> SessionIds => [(Into, whole => Into = whole), (From, whole => From = whole)];
}

/// <summary>
/// <c>smctl merge &lt;into&gt; &lt;from&gt;</c>: the context items kept for session <c>from</c> alone (its compaction summaries and
/// instructions, the notes saved for it) become <c>into</c>'s too, so <c>into</c>'s next SessionStart hands both sessions' context
/// to Claude Code. Each is copied under an id made of its own and <c>into</c>'s: run again, it writes nothing new. Project, user and
/// team items are shared already and are left as they are.
/// </summary>
internal sealed class MergeCommand : GatewayCommand<MergeSettings>
{
    protected override async Task<int> RunAsync(GatewayClient client, MergeSettings settings, CancellationToken cancellationToken)
    {
        var into = await SessionAsync(client, settings.Into, cancellationToken);
        await SessionAsync(client, settings.From, cancellationToken);
        var found = (await client.GetJsonAsync($"api/context?session={Uri.EscapeDataString(settings.From)}&maxBytes={64L * 1024 * 1024}", cancellationToken))!.Value;
        var merged = new List<object>();
        foreach (var item in found.GetProperty("items").EnumerateArray())
        {
            if (item.GetProperty("scope").GetString() != "session" || item.GetProperty("sessionId").GetString() != settings.From)
                continue;
            var itemId = $"{item.GetProperty("itemId").GetString()}@{settings.Into}";
            var copy = new
            {
                itemId,
                type = item.GetProperty("type").GetString(),
                scope = "session",
                sessionId = settings.Into,
                projectDir = SessionsListCommand.Text(into, "projectDir") ?? SessionsListCommand.Text(item, "projectDir"),
                user = SessionsListCommand.Text(item, "user"),
                team = SessionsListCommand.Text(item, "team"),
                @private = item.GetProperty("private").GetBoolean(),
                priority = item.GetProperty("priority").GetInt32(),
                content = item.GetProperty("content").GetString(),
                expiresAt = item.TryGetProperty("expiresAt", out var expires) && expires.ValueKind == JsonValueKind.String ? expires.GetDateTimeOffset() : (DateTimeOffset?)null,
                merge = false,
            };
            var saved = await client.SendJsonAsync(HttpMethod.Put, $"api/context/{Uri.EscapeDataString(itemId)}", copy, cancellationToken);
            merged.Add(new { from = item.GetProperty("itemId").GetString(), itemId, type = copy.type, size = item.GetProperty("size").GetInt64(), version = saved.GetProperty("item").GetProperty("version").GetInt64() });
        }
        var result = JsonSerializer.SerializeToElement(new { into = settings.Into, from = settings.From, items = merged }, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        if (settings.Json)
            PrintJson(result);
        else
        {
            Out.MarkupLine($"{merged.Count} context items of {Markup.Escape(settings.From)} are now {Markup.Escape(settings.Into)}'s too; its next SessionStart hands them over");
            if (merged.Count > 0)
                Out.Write(JsonTable.Of(result.GetProperty("items")));
        }
        return ExitCodes.Ok;
    }

    private static async Task<JsonElement> SessionAsync(GatewayClient client, string sessionId, CancellationToken cancellationToken) =>
        await client.GetJsonAsync($"api/sessions/{Uri.EscapeDataString(sessionId)}", cancellationToken, missingIsNull: true)
            ?? throw new CommandFailedException($"no session {sessionId}", ExitCodes.NotFound);
}
