using SessionManagement.Contracts.Saver;
using SessionManagement.Contracts.Status;

namespace SessionManagement.Gateway.Web;

/// <summary>One session of the list: the saver's summary, and its tokens and cost when the status module knows them.</summary>
public sealed record SessionRow(SessionSummary Session, SessionStatusFound? Status)
{
    public TimeSpan Duration => (Session.EndedAt ?? Session.LastEventAt) - Session.StartedAt;

    public string Title => Session.Title is { Length: > 0 } title ? title : Session.SessionId;
}
