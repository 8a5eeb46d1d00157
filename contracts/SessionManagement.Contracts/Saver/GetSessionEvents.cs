namespace SessionManagement.Contracts.Saver;

/// <summary>Asks the saver for a session's hook events in capture order (its timeline). Answered with <see cref="SessionEventsListed"/>.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="Skip">Events to skip from the first.</param>
/// <param name="Limit">The most events to return (the saver caps it).</param>
/// <param name="Names">Only events of these hook event names (all when empty).</param>
public record GetSessionEvents(string SessionId, int Skip, int Limit, IReadOnlyList<string>? Names = null);
