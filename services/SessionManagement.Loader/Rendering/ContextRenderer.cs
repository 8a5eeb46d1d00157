using System.Text;
using SessionManagement.Contracts.Chat;
using SessionManagement.Contracts.Context;

namespace SessionManagement.Loader.Rendering;

/// <summary>
/// Renders the SessionStart context, most valuable first for the source, within the character limit: whole
/// sections while they fit, then the next one cut short, then nothing.
/// </summary>
public static class ContextRenderer
{
    private const int PromptChars = 600;
    private const int ReplyChars = 1_200;

    public static string Render(LoadedParts parts, int maxCharacters)
    {
        var sections = new List<(string Title, string Body)>();
        var compaction = parts.Context?.Where(i => i.Type == "conversation" && i.Scope == "session").ToList() ?? [];
        var other = parts.Context?.Except(compaction).ToList() ?? [];
        var conversation = Conversation(parts);
        switch (parts.Source)
        {
            case "compact":
            case "clear":
                Add(sections, "Carried over from before " + (parts.Source == "compact" ? "compaction" : "/clear"), Items(compaction));
                Add(sections, "Where the conversation stood", Thread(conversation));
                Add(sections, "Recent prompts", Prompts(conversation));
                break;
            case "resume":
            case "fork":
                Add(sections, "The session " + (parts.Source == "resume" ? "resumed" : "forked"), State(parts));
                Add(sections, "Where the conversation stood", Thread(conversation));
                Add(sections, "Recent prompts", Prompts(conversation));
                Add(sections, "Earlier in the session", Items(compaction));
                break;
            default:
                Add(sections, "The last session in this project", State(parts));
                Add(sections, "Left unfinished", Thread(conversation));
                Add(sections, "Recent prompts", Prompts(conversation));
                Add(sections, "From that session", Items(compaction));
                break;
        }
        Add(sections, "Project and personal context", Items(other));
        if (sections.Count == 0)
            return "";

        var text = new StringBuilder("# Session management: context from earlier work\n");
        foreach (var (title, body) in sections)
        {
            var block = $"\n## {title}\n{body.TrimEnd()}\n";
            var room = maxCharacters - text.Length;
            if (room <= 0)
                break;
            if (block.Length > room)
            {
                if (room > 80)
                    text.Append(block, 0, room - 1).Append('…');
                break;
            }
            text.Append(block);
        }
        return text.Length <= maxCharacters ? text.ToString() : text.ToString(0, maxCharacters);
    }

    private static string Count(long count, string thing) => count == 1 ? $"1 {thing}" : $"{count} {thing}s";

    private static void Add(List<(string, string)> sections, string title, string? body)
    {
        if (!string.IsNullOrWhiteSpace(body))
            sections.Add((title, body));
    }

    private static string? State(LoadedParts parts)
    {
        if (parts.Session is not { } s)
            return null;
        var ended = s.EndedAt is { } at ? $"ended {at:u}" + (s.EndReason is null ? "" : $" ({s.EndReason})") : "still active";
        return $"Session {s.SessionId}{(s.Title is null ? "" : $" (\"{s.Title}\")")} in {s.ProjectDir}{(s.GitBranch is null ? "" : $" on branch {s.GitBranch}")}: started {s.StartedAt:u}, {ended}; {Count(s.Prompts, "prompt")}, {Count(s.ToolCalls, "tool call")}"
            + (s.ToolFailures > 0 ? $", {s.ToolFailures} failed" : "") + (s.Compactions > 0 ? $", compacted {s.Compactions}×" : "")
            + (s.Model is null ? "" : $"; model {s.Model}") + ".";
    }

    /// <summary>
    /// The last prompt and what came after it: an unanswered prompt is the thread the user may want to pick up. A slash command
    /// nothing answered is not one: it ran in Claude Code itself (<c>/compact</c>, <c>/cost</c>), so the prompt before it is the thread.
    /// </summary>
    private static string? Thread(List<ChatMessageView> conversation)
    {
        var lastPrompt = conversation.FindLastIndex(m => m.Role == "user");
        if (lastPrompt < 0)
            return null;
        var reply = conversation.Skip(lastPrompt + 1).LastOrDefault(m => m.Role == "assistant");
        var text = new StringBuilder();
        text.Append("Last prompt: ").AppendLine(Cut(conversation[lastPrompt].Text, PromptChars));
        text.Append(reply is null ? "It has no reply yet." : "Last reply: " + Cut(reply.Text, ReplyChars));
        return text.ToString();
    }

    /// <summary>The prompts before the last one (<see cref="Thread"/> gives that one), the latest five.</summary>
    private static string? Prompts(List<ChatMessageView> conversation)
    {
        var prompts = conversation.Where(m => m.Role == "user").SkipLast(1).TakeLast(5).ToList();
        return prompts.Count == 0 ? null : string.Join("\n", prompts.Select(p => "- " + Cut(p.Text, PromptChars).ReplaceLineEndings(" ")));
    }

    /// <summary>
    /// The prompts and replies with text of the session's own conversation (not its subagents': a compaction's agents reply after
    /// <c>/compact</c>), in order, without the slash commands nothing answered before the next prompt: those ran in Claude Code itself
    /// (<c>/compact</c>, <c>/cost</c>), and are neither the thread nor a prompt to recall.
    /// </summary>
    private static List<ChatMessageView> Conversation(LoadedParts parts)
    {
        var conversation = parts.Recent?.Where(m => m.Role is "user" or "assistant" && m.Text.Length > 0 && m.File is null).ToList() ?? [];
        return conversation.Where((m, i) => !(m.Role == "user" && m.Text.StartsWith('/')
            && !conversation.Skip(i + 1).TakeWhile(next => next.Role != "user").Any(next => next.Role == "assistant"))).ToList();
    }

    private static string? Items(IReadOnlyList<ContextItemView> items) =>
        items.Count == 0 ? null : string.Join("\n\n", items.Select(i => i.Content.Trim()));

    private static string Cut(string text, int max) => text.Length <= max ? text.Trim() : text[..max].TrimEnd() + "…";
}
