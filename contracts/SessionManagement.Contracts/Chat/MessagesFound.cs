namespace SessionManagement.Contracts.Chat;

/// <summary>Search hits, best first.</summary>
public record MessagesFound(
    string Query,
    IReadOnlyList<SearchHit> Hits);
