namespace SessionManagement.Hosting.Options;

public sealed class HttpOptions
{
    public const string Section = "Http";

    /// <summary>Where the host listens: loopback by default so nothing outside this machine reaches it.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:4780";
}
