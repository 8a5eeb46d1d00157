using SessionManagement.Contracts.Chat;

namespace SessionManagement.Gateway.Web.Rendering;

/// <summary>One message of a session's page: the message, what it says in blocks, its place in the session.</summary>
/// <param name="Index">Its position in the session (0 first), for links and for paging.</param>
public sealed record ConversationEntry(ChatMessageView Message, long Index, IReadOnlyList<ConversationBlock> Blocks)
{
    /// <summary>The tokens and cost of the API response (the turn) this line is the first of on the page; null on its other lines.</summary>
    public TurnUsage? Turn { get; init; }

    /// <summary>The subagent whose transcript the message is from (<c>agent-…</c>), or null for the session's own.</summary>
    public string? Subagent => SubagentOf(Message);

    /// <summary>The subagent whose transcript <paramref name="message"/> is from (<c>agent-…</c>), or null for the session's own.</summary>
    public static string? SubagentOf(ChatMessageView message) => message.File is { } file ? Path.GetFileNameWithoutExtension(file) : null;

    /// <summary>The element id the page gives it, for links from search.</summary>
    public string Anchor => "m-" + Index.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
