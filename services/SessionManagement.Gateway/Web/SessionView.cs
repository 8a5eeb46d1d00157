using SessionManagement.Contracts.Saver;
using SessionManagement.Contracts.Status;
using SessionManagement.Gateway.Web.Rendering;

namespace SessionManagement.Gateway.Web;

/// <summary>A session's page: its summary, its live status when known, and one page of its conversation.</summary>
/// <param name="Skip">The page's first message (its index in the session).</param>
/// <param name="Total">The session's messages in all.</param>
/// <param name="Fetched">The messages this page read (a tool's output folded into its call is one of them, shown inside it).</param>
/// <param name="Focus">The message a search hit opened the page at (its anchor), if any.</param>
/// <param name="Timeline">The session's hook events worth seeing beside the conversation: starts, ends, notifications, compactions, failures.</param>
/// <param name="Children">The sessions that continue this one: its resumes, forks and branches.</param>
public sealed record SessionView(WebViewer Viewer, SessionSummary Session, SessionStatusFound? Status, IReadOnlyList<ConversationEntry> Entries,
    long Skip, int Limit, int Fetched, long Total, string? Focus, IReadOnlyList<SessionEventView> Timeline, IReadOnlyList<SessionSummary> Children)
{
    /// <summary>The session's task list as Claude Code left it (TaskCreate, TaskUpdate), by id; empty when none is kept.</summary>
    public IReadOnlyList<TaskView> Tasks { get; init; } = [];

    /// <summary>How many of Claude Code's copies of the files the session changed are kept (what <c>/rewind</c> puts back).</summary>
    public int FileCheckpoints { get; init; }

    public string Link(long skip) => $"/sessions/{Uri.EscapeDataString(Session.SessionId)}?skip={skip}";

    public long Next => Skip + Fetched;
}

/// <summary>One task of a session's task list: its id, what it is, and where it stands (<c>pending</c>, <c>in_progress</c>, <c>completed</c>).</summary>
public sealed record TaskView(string Id, string Subject, string Status)
{
    public static TaskView Of(System.Text.Json.JsonElement task) => new(Text(task, "id") ?? "?", Text(task, "subject") ?? "", Text(task, "status") ?? "unknown");

    private static string? Text(System.Text.Json.JsonElement task, string name) =>
        task.ValueKind == System.Text.Json.JsonValueKind.Object && task.TryGetProperty(name, out var value) && value.ValueKind == System.Text.Json.JsonValueKind.String
            ? value.GetString()
            : null;
}
