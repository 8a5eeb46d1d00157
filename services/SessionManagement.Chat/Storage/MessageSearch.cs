namespace SessionManagement.Chat.Storage;

/// <summary>A search: every term must appear in a message's text; the filters narrow it (<see cref="SessionIds"/>: only those sessions, when given).</summary>
public sealed record MessageSearch(
    IReadOnlyList<string> Terms,
    string? SessionId,
    string? ProjectDir,
    string? Role,
    DateTimeOffset? Since,
    DateTimeOffset? Until,
    int Limit,
    IReadOnlyList<string>? SessionIds = null);
