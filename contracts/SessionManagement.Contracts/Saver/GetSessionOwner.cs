namespace SessionManagement.Contracts.Saver;

/// <summary>Asks the saver whose a session is, answered with <see cref="SessionOwner"/>: a reader's token reaches only their own.</summary>
public record GetSessionOwner(string SessionId);

/// <summary>Whose a session is: the user of its first hook; null when no hook reached it (an imported transcript) or it is not held.</summary>
public record SessionOwner(string SessionId, string? User);
