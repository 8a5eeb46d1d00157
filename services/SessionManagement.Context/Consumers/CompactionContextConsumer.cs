using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.Logging;
using SessionManagement.Context.Items;
using SessionManagement.Contracts.Context;
using SessionManagement.Contracts.Gateway;

namespace SessionManagement.Context.Consumers;

/// <summary>
/// Compaction becomes conversation context: PostCompact's <c>compact_summary</c> (what the session was about) and
/// PreCompact's <c>custom_instructions</c> (what the user said must survive), kept with the session and shared with
/// its project. Item ids come from the event id, so a redelivered hook rewrites the same item.
/// </summary>
public sealed class CompactionContextConsumer(ContextItems items, ILogger<CompactionContextConsumer> logger)
    : IConsumer<ConversationHookCaptured>, IConsumer<ConversationHooksAccepted>
{
    public const int SummaryPriority = 90;
    public const int InstructionsPriority = 95;

    public Task Consume(ConsumeContext<ConversationHookCaptured> context) => KeepAsync(context, context.Message);

    /// <summary>The embedded gateway's bursts, a hook at a time in capture order.</summary>
    public async Task Consume(ConsumeContext<ConversationHooksAccepted> context)
    {
        foreach (var hook in context.Message.Events)
            await KeepAsync(context, hook);
    }

    private async Task KeepAsync(ConsumeContext context, HookEventCaptured hook)
    {
        var (field, priority, title) = hook.HookEventName switch
        {
            "PostCompact" => ("compact_summary", SummaryPriority, "Summary of the conversation before compaction"),
            "PreCompact" => ("custom_instructions", InstructionsPriority, "Instructions given for compaction (keep these)"),
            _ => (null, 0, null),
        };
        if (field is null || string.IsNullOrEmpty(hook.SessionId) || Field(hook.RawJson, field) is not { Length: > 0 } text)
            return;
        var request = new SaveContextItem($"compaction-{hook.EventId:N}", "conversation", "session", hook.SessionId, hook.Cwd, hook.User,
            null, false, priority, $"{title}:\n{text}", null, false);
        var (item, _, problem) = await items.SaveAsync(request, hook.SessionId, context.CancellationToken);
        if (item is null)
        {
            logger.LogWarning("Compaction context of session {SessionId} not kept: {Problem}", hook.SessionId, problem);
            return;
        }
        await context.Publish(new ContextUpdated(item.ItemId, item.Scope, item.SessionId, item.ProjectDir, item.User, item.Team, item.UpdatedAt),
            context.CancellationToken);
    }

    private static string? Field(string json, string name)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(name, out var value)
                && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
