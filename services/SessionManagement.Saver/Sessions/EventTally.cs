namespace SessionManagement.Saver.Sessions;

/// <summary>For one session and one hook event name: how many stored events, and the first and last of them.</summary>
public sealed record EventTally(string HookEventName, long Count, DateTimeOffset First, DateTimeOffset Last);
