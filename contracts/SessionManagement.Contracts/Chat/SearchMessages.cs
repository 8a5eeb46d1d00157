namespace SessionManagement.Contracts.Chat;

/// <summary>Full-text search over message text. Answered with <see cref="MessagesFound"/> or <see cref="SearchRejected"/>.</summary>
/// <param name="Query">Words to find; every word must match (prefix matching on the last word is not implied).</param>
/// <param name="SessionId">Only this session.</param>
/// <param name="ProjectDir">Only this project (the session's working directory).</param>
/// <param name="Role">Only this role.</param>
/// <param name="Since">Only messages at or after this time.</param>
/// <param name="Until">Only messages before this time.</param>
/// <param name="Limit">The most hits to return.</param>
/// <param name="SessionIds">Only these sessions (a reader's own); null for every session.</param>
public record SearchMessages(
    string Query,
    string? SessionId,
    string? ProjectDir,
    string? Role,
    DateTimeOffset? Since,
    DateTimeOffset? Until,
    int Limit,
    IReadOnlyList<string>? SessionIds = null);
