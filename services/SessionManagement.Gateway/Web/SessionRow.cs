using SessionManagement.Contracts.Saver;
using SessionManagement.Contracts.Status;

namespace SessionManagement.Gateway.Web;

/// <summary>One session of the list: the saver's summary, and its tokens and cost when the status module knows them.</summary>
public sealed record SessionRow(SessionSummary Session, SessionStatusFound? Status)
{
    public TimeSpan Duration => (Session.EndedAt ?? Session.LastEventAt) - Session.StartedAt;

    /// <summary>
    /// Whether the session has no title: no prompt was captured (Claude Code opened and closed again, or not asked anything yet) and
    /// its transcript names none.
    /// </summary>
    public bool Untitled => Session.Title is not { Length: > 0 };

    /// <summary>The title shown; an untitled session says so, with the first characters of its id.</summary>
    public string Title => Session.Title is { Length: > 0 } title ? title : $"no prompt · {Session.SessionId[..Math.Min(8, Session.SessionId.Length)]}";
}
