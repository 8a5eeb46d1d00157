namespace SessionManagement.Contracts.Context;

/// <summary>One context item (see <see cref="SaveContextItem"/> for the fields it was saved with).</summary>
/// <param name="ItemId">The item's id.</param>
/// <param name="Type"><c>conversation</c>, <c>code</c>, <c>project</c> or <c>user</c>.</param>
/// <param name="Scope"><c>session</c>, <c>project</c>, <c>user</c> or <c>team</c>.</param>
/// <param name="SessionId">The session it belongs to (session scope).</param>
/// <param name="ProjectDir">The project it belongs to (project scope).</param>
/// <param name="User">The user it belongs to.</param>
/// <param name="Team">The team that shares it.</param>
/// <param name="Private">Never leaves the session (or user) it came from.</param>
/// <param name="Priority">0–100, highest rendered first and pruned last.</param>
/// <param name="Content">The text.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="UpdatedAt">When it last changed.</param>
/// <param name="ExpiresAt">When it stops being loaded, if ever.</param>
/// <param name="Size">The content's length in UTF-8 bytes.</param>
/// <param name="SourceSessionId">The session the item came from, when it came from one.</param>
/// <param name="Version">Increases by one per update or merge.</param>
public record ContextItemView(
    string ItemId,
    string Type,
    string Scope,
    string? SessionId,
    string? ProjectDir,
    string? User,
    string? Team,
    bool Private,
    int Priority,
    long Size,
    string? SourceSessionId,
    string Content,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? ExpiresAt,
    long Version);
