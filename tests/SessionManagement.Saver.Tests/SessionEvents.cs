using SessionManagement.Saver.Sessions;

namespace SessionManagement.Saver.Tests;

/// <summary>Builds the hook events of one test session, a millisecond apart.</summary>
internal sealed class SessionEvents(string sessionId, string cwd = "/work/shop")
{
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
    private int _sequence;

    public string SessionId { get; } = sessionId;

    public StoredEvent Next(string hookEventName, string? source = null, string? reason = null, string? model = null, string extraJson = "")
    {
        var at = Start.AddMilliseconds(++_sequence * 10);
        var raw = $$"""{"session_id":"{{SessionId}}","hook_event_name":"{{hookEventName}}","cwd":"{{cwd}}"{{extraJson}}}""";
        return new StoredEvent(Guid.CreateVersion7(), SessionId, hookEventName, at, _sequence, "laptop", "dev", cwd, model, source, reason, raw);
    }

    public static string NewId() => "s-" + Guid.NewGuid().ToString("N")[..12];
}
