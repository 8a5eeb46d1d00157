namespace SessionManagement.Gateway.Capture;

/// <summary>What the gateway remembers of a session while it runs: where its transcript is and how much of it was captured.</summary>
internal sealed class ActiveSession(string sessionId)
{
    private long _eventsCaptured;

    public string SessionId { get; } = sessionId;

    public string? TranscriptPath { get; set; }

    public string Host { get; set; } = "";

    public string User { get; set; } = "";

    public DateTimeOffset LastSeenAt { get; set; }

    /// <summary>When SessionEnd arrived; the transcript is still swept for a while after, as Claude Code may write its last lines late.</summary>
    public DateTimeOffset? EndedAt { get; set; }

    public long EventsCaptured => Interlocked.Read(ref _eventsCaptured);

    public void CountEvent() => Interlocked.Increment(ref _eventsCaptured);
}
