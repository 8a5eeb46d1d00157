using System.Collections.Concurrent;

namespace SessionManagement.Gateway.Capture;

/// <summary>The sessions this gateway has seen hooks from, for transcript polling and the status row.</summary>
internal sealed class ActiveSessions
{
    private readonly ConcurrentDictionary<string, ActiveSession> _sessions = new(StringComparer.Ordinal);

    public ActiveSession Seen(string sessionId, string? transcriptPath, string host, string user, DateTimeOffset at)
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
        }
        session.CountEvent();
        return session;
    }

    public ActiveSession? Find(string sessionId) => _sessions.GetValueOrDefault(sessionId);

    /// <summary>Sessions seen since <paramref name="since"/> that have not ended; forgets the rest.</summary>
    public IReadOnlyList<ActiveSession> Active(DateTimeOffset since)
    {
        var active = new List<ActiveSession>();
        foreach (var session in _sessions.Values)
        {
            if (session.LastSeenAt < since)
                _sessions.TryRemove(session.SessionId, out _);
            else if (!session.Ended)
                active.Add(session);
        }
        return active;
    }
}
