namespace SessionManagement.Testing;

/// <summary>A test needs a server this machine did not provide; the message says how to get it.</summary>
public sealed class InfrastructureUnavailableException(string message, Exception? cause = null) : Exception(message, cause);
