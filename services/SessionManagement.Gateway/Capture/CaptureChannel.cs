namespace SessionManagement.Gateway.Capture;

public static class CaptureChannel
{
    public const string Http = "http";
    public const string SmHook = "sm-hook";
    public const string Spool = "spool";
}
