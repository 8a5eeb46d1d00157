using System.Collections.Concurrent;

namespace SessionManagement.Gateway.Capture;

/// <summary>The sessions this gateway has seen hooks from, for transcript polling and the status row.</summary>
internal sealed class ActiveSessions(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, ActiveSession> _sessions = new(StringComparer.Ordinal);

    /// <summary>
    /// Records a hook of the session; a SessionEnd ends it, whether it arrives live or replayed from the spool, so its
    /// transcript is polled only for <see cref="FinalSweep"/> more.
    /// </summary>
    public ActiveSession Seen(string sessionId, string hookEventName, string? transcriptPath, string host, string user, DateTimeOffset at)
    {
        var session = _sessions.GetOrAdd(sessionId, id => new ActiveSession(id));
        lock (session)
        {
            if (!string.IsNullOrEmpty(transcriptPath))
                session.TranscriptPath = transcriptPath;
            session.Host = host;
            session.User = user;
            if (at > session.LastSeenAt)
                session.LastSeenAt = at;
            if (hookEventName == "SessionEnd")
                session.EndedAt ??= time.GetUtcNow();
            else if (hookEventName == "SessionStart")
                session.EndedAt = null;
        }
        session.CountEvent();
        return session;
    }

    public ActiveSession? Find(string sessionId) => _sessions.GetValueOrDefault(sessionId);

    public static readonly TimeSpan FinalSweep = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Sessions whose transcript may still grow: seen since <paramref name="since"/> and not ended, or
    /// ended within <see cref="FinalSweep"/> of <paramref name="now"/>. Forgets the rest.
    /// </summary>
    public IReadOnlyList<ActiveSession> Active(DateTimeOffset since, DateTimeOffset now)
    {
        var active = new List<ActiveSession>();
        foreach (var session in _sessions.Values)
        {
            var ended = session.EndedAt is { } endedAt && endedAt + FinalSweep < now;
            if (session.LastSeenAt < since || ended)
                _sessions.TryRemove(session.SessionId, out _);
            else
                active.Add(session);
        }
        return active;
    }
}
