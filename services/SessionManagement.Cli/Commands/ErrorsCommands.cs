using System.ComponentModel;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SessionManagement.Cli.Commands;

internal sealed class ErrorsListSettings : GatewaySettings
{
    [CommandOption("--peek <N>")]
    [Description("How many failed messages of each error queue to describe (default 10).")]
    public int Peek { get; init; } = 10;

    [CommandOption("--limit <N>")]
    [Description("How many refused inputs to list, newest first (default 100).")]
    public int Limit { get; init; } = 100;
}

/// <summary>
/// <c>smctl errors list</c>: messages a module failed after the bus's retries (RabbitMQ's <c>_error</c> queues, with the reason),
/// and input the gateway refused (with why, and whether it was kept whole).
/// </summary>
internal sealed class ErrorsListCommand : GatewayCommand<ErrorsListSettings>
{
    protected override async Task<int> RunAsync(GatewayClient client, ErrorsListSettings settings, CancellationToken cancellationToken)
    {
        var errors = (await client.GetJsonAsync($"api/errors?peek={settings.Peek}&limit={settings.Limit}", cancellationToken))!.Value;
        if (settings.Json)
        {
            PrintJson(errors);
            return ExitCodes.Ok;
        }
        var queues = errors.GetProperty("queues");
        Out.MarkupLine($"[bold]Failed messages[/] (error queues: {Markup.Escape(errors.GetProperty("errorQueues").GetString() ?? "")})");
        if (errors.TryGetProperty("problem", out var problem) && problem.ValueKind == JsonValueKind.String)
            Out.MarkupLine($"[yellow]{Markup.Escape(problem.GetString()!)}[/]");
        if (queues.GetArrayLength() == 0)
            Out.MarkupLine("none");
        foreach (var queue in queues.EnumerateArray())
        {
            Out.MarkupLine($"{Markup.Escape(queue.GetProperty("waitingIn").GetString()!)}: {queue.GetProperty("messages").GetInt64()} waiting"
                + $" (smctl errors replay {Markup.Escape(queue.GetProperty("queue").GetString()!)})");
            Out.Write(JsonTable.Of(queue.GetProperty("faults")));
        }
        var rejected = errors.GetProperty("rejected");
        Out.MarkupLine($"[bold]Refused input[/]: {rejected.GetArrayLength()} (the newest {settings.Limit} at most; smctl errors replay --rejected submits again those kept whole)");
        if (rejected.GetArrayLength() > 0)
            Out.Write(JsonTable.Of(rejected));
        return ExitCodes.Ok;
    }
}

internal sealed class ErrorsReplaySettings : GatewaySettings
{
    [CommandArgument(0, "[QUEUE]")]
    [Description("The queue whose failed messages go back to it (its name, with or without _error).")]
    public string? Queue { get; init; }

    [CommandOption("--count <N>")]
    [Description("Move at most this many, oldest first (default: all).")]
    public int? Count { get; init; }

    [CommandOption("--rejected")]
    [Description("Instead: submit again the refused inputs that were kept whole, under their first event id.")]
    public bool Rejected { get; init; }

    [CommandOption("--event <ID>")]
    [Description("With --rejected: only this one.")]
    public Guid? EventId { get; init; }

    public override ValidationResult Validate() =>
        Rejected == (Queue is not null) ? ValidationResult.Error("name a queue, or give --rejected")
        : EventId is not null && !Rejected ? ValidationResult.Error("--event goes with --rejected")
        : Count is < 1 ? ValidationResult.Error("--count must be at least 1")
        : ValidationResult.Success();
}

/// <summary>
/// <c>smctl errors replay</c>: moves a queue's failed messages back to it once what failed them is fixed (each leaves the error
/// queue only once the broker holds it in the queue); with <c>--rejected</c>, submits refused inputs again, which the gateway
/// takes or refuses by the same rules as at first.
/// </summary>
internal sealed class ErrorsReplayCommand : GatewayCommand<ErrorsReplaySettings>
{
    protected override async Task<int> RunAsync(GatewayClient client, ErrorsReplaySettings settings, CancellationToken cancellationToken)
    {
        if (settings.Rejected)
            return await ReplayRejectedAsync(client, settings, cancellationToken);
        var path = $"api/errors/replay?queue={Uri.EscapeDataString(settings.Queue!)}" + (settings.Count is { } count ? $"&count={count}" : "");
        var replayed = await client.PostAsync(path, cancellationToken);
        if (settings.Json)
            PrintJson(replayed);
        else
            Out.MarkupLine($"{replayed.GetProperty("moved").GetInt32()} messages moved back to {Markup.Escape(replayed.GetProperty("queue").GetString()!)}"
                + $", {replayed.GetProperty("left").GetInt64()} left in its error queue");
        return ExitCodes.Ok;
    }

    private static async Task<int> ReplayRejectedAsync(GatewayClient client, ErrorsReplaySettings settings, CancellationToken cancellationToken)
    {
        var listed = (await client.GetJsonAsync("api/errors?peek=0&limit=1000", cancellationToken))!.Value;
        var results = new List<object>();
        foreach (var record in listed.GetProperty("rejected").EnumerateArray())
        {
            var eventId = record.GetProperty("eventId").GetGuid();
            if (settings.EventId is { } wanted && wanted != eventId)
                continue;
            if (record.GetProperty("kept").GetString() != "whole")
            {
                results.Add(new { eventId, outcome = "skipped", reason = $"kept: {record.GetProperty("kept").GetString()}, not the whole input" });
                continue;
            }
            using var input = new MemoryStream();
            await client.DownloadAsync($"api/errors/rejected/{eventId}", input, cancellationToken);
            var (status, error) = await client.PostHookAsync(input.ToArray(), eventId, record.GetProperty("receivedAt").GetDateTimeOffset(), cancellationToken);
            results.Add(new { eventId, outcome = status is >= 200 and < 300 ? "accepted" : "refused again", status, reason = error });
        }
        if (settings.EventId is { } missing && results.Count == 0)
            throw new CommandFailedException($"no refused input {missing} in the journal", ExitCodes.NotFound);
        var json = JsonSerializer.SerializeToElement(new { replayed = results }, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        if (settings.Json)
            PrintJson(json);
        else
            Out.Write(JsonTable.Of(json.GetProperty("replayed")));
        return ExitCodes.Ok;
    }
}
