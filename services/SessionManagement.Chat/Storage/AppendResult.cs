namespace SessionManagement.Chat.Storage;

/// <summary>What one append did to one session.</summary>
public sealed record AppendResult(string SessionId, int Added, int Merged, int Invalid, long MessageCount, int Trimmed);
