namespace SessionManagement.Contracts.Saver;

/// <summary>The session asked for.</summary>
public record SessionFound(SessionSummary Session);
