namespace SessionManagement.Saver.Sessions;

public enum SessionStatus
{
    Active,
    Ended,
}
