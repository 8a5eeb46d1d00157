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
    public string Link(long skip) => $"/sessions/{Uri.EscapeDataString(Session.SessionId)}?skip={skip}";

    public long Next => Skip + Fetched;
}
