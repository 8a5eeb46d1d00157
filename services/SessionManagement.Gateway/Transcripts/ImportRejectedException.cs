namespace SessionManagement.Gateway.Transcripts;

/// <summary>An import that cannot be taken as it is (no session id to file it under); the caller gets the reason.</summary>
public sealed class ImportRejectedException(string message) : Exception(message);
