namespace SessionManagement.Contracts.Status;

/// <summary>Asks the status module for one session's live status. Answered with <see cref="SessionStatusFound"/> or <see cref="SessionStatusUnknown"/>.</summary>
public record GetSessionStatus(string SessionId);
