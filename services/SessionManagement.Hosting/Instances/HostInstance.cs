namespace SessionManagement.Hosting.Instances;

/// <summary>One run of the host process: which modules it serves, on what, since when, and whether it is still alive.</summary>
public sealed record HostInstance(
    Guid InstanceId,
    string Machine,
    int ProcessId,
    IReadOnlyList<string> Targets,
    string Version,
    string Transport,
    string Storage,
    string Urls,
    DateTimeOffset StartedAt,
    DateTimeOffset LastSeenAt,
    DateTimeOffset? StoppedAt)
{
    /// <summary>How often a running instance refreshes <see cref="LastSeenAt"/>.</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(30);

    /// <summary>Not stopped and seen within two heartbeats (and a little slack): an instance not seen for longer counts as gone.</summary>
    public bool IsRunningAt(DateTimeOffset now) => StoppedAt is null && now - LastSeenAt <= HeartbeatInterval * 2 + TimeSpan.FromSeconds(5);
}
