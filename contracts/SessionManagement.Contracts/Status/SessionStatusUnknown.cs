namespace SessionManagement.Contracts.Status;

/// <summary>The status module has seen nothing of this session.</summary>
public record SessionStatusUnknown(string SessionId);
