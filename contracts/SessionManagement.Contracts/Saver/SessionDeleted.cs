namespace SessionManagement.Contracts.Saver;

/// <summary>
/// A session was deleted for good at someone's request (<see cref="DeleteSession"/>): the saver holds nothing of it any more, and every
/// module removes what it holds — conversation, search entries, transcript lines, its own context items, and their backups — with what
/// the rows held overwritten in the database file. Unlike <see cref="SessionPurged"/>, nothing is backed up first.
/// </summary>
/// <param name="SessionId">The session deleted.</param>
/// <param name="Events">The hooks the saver held of it.</param>
/// <param name="Backups">The saver's backups of it, deleted.</param>
/// <param name="DeletedAt">When.</param>
/// <param name="By">Who asked (<see cref="DeleteSession.By"/>); empty from a saver of before.</param>
public record SessionDeleted(string SessionId, long Events, int Backups, DateTimeOffset DeletedAt, string By = "");
