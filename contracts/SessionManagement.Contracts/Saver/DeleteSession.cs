namespace SessionManagement.Contracts.Saver;

/// <summary>
/// Someone asks for a session to be deleted for good (a secret kept that should not have been): the saver removes its state, hooks
/// and backups and announces <see cref="SessionDeleted"/>, so every module removes what it holds of it, backups included. Answered
/// with <see cref="SessionDeleted"/>, or <see cref="SessionNotFound"/> when nothing of it is held.
/// </summary>
/// <param name="CommandId">Unique per request.</param>
/// <param name="SessionId">The session to delete.</param>
/// <param name="By">Who asked, for the audit trail.</param>
public record DeleteSession(Guid CommandId, string SessionId, string By);
