namespace SessionManagement.Contracts.Chat;

/// <summary>One message that matched a search.</summary>
/// <param name="SessionId">The message's session.</param>
/// <param name="Key">The message's identity within its session.</param>
/// <param name="Role">The message's role.</param>
/// <param name="ProjectDir">The project the message was written in.</param>
/// <param name="Timestamp">When the message was written.</param>
/// <param name="Score">Relevance; higher is better, comparable only within one answer.</param>
/// <param name="Snippet">The matching passage, as the message has it.</param>
/// <param name="Marks">Where the matched words lie in <paramref name="Snippet"/>, in order.</param>
public record SearchHit(
    string SessionId,
    string Key,
    string? Role,
    string? ProjectDir,
    DateTimeOffset Timestamp,
    double Score,
    string Snippet,
    IReadOnlyList<SnippetMark>? Marks = null);
