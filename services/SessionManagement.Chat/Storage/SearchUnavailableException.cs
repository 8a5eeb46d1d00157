namespace SessionManagement.Chat.Storage;

/// <summary>The store cannot run a full-text search (a MongoDB deployment without text search, such as the test double).</summary>
public sealed class SearchUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
