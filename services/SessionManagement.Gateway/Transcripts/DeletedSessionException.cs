namespace SessionManagement.Gateway.Transcripts;

/// <summary>An import of a session deleted for good, refused: the caller hears when, by whom, and how to import it all the same.</summary>
public sealed class DeletedSessionException(DeletedSession deleted)
    : Exception($"session {deleted.SessionId} was deleted for good on {deleted.DeletedAt:u}" + (deleted.By.Length > 0 ? $" by {deleted.By}" : "")
        + "; it is not imported again unless an admin asks (undelete=true; smctl import --undelete)")
{
    public DeletedSession Deleted { get; } = deleted;
}
