namespace SessionManagement.Contracts.Saver;

/// <summary>A page of a session's hook events.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="Total">Events matching the request in the whole session.</param>
/// <param name="Events">The page, in capture order.</param>
public record SessionEventsListed(string SessionId, long Total, IReadOnlyList<SessionEventView> Events);
