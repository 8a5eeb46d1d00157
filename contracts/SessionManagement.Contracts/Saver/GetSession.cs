namespace SessionManagement.Contracts.Saver;

/// <summary>Asks the saver for one session. Answered with <see cref="SessionFound"/> or <see cref="SessionNotFound"/>.</summary>
public record GetSession(string SessionId);
