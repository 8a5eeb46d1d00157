namespace SessionManagement.Contracts.Saver;

/// <summary>No session with this id is stored.</summary>
public record SessionNotFound(string SessionId);
