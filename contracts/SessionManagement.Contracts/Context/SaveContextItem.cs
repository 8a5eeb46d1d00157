namespace SessionManagement.Contracts.Context;

/// <summary>
/// Creates, updates or merges one context item. Answered with <see cref="ContextItemSaved"/> or
/// <see cref="ContextItemRejected"/>.
/// </summary>
/// <param name="ItemId">The item to update or merge into; null (or unknown) creates one with this id, or a new id when null.</param>
/// <param name="Type"><c>conversation</c>, <c>code</c>, <c>project</c> or <c>user</c>.</param>
/// <param name="Scope">Who sees it: <c>session</c>, <c>project</c>, <c>user</c> or <c>team</c>.</param>
/// <param name="SessionId">The session it came from (and, for session scope, the one that sees it).</param>
/// <param name="ProjectDir">The project it belongs to (project scope).</param>
/// <param name="User">The user it belongs to (user scope, and the owner of private items).</param>
/// <param name="Team">The team that shares it (team scope).</param>
/// <param name="Private">A private item never leaves the session (or, without one, the user) it came from.</param>
/// <param name="Priority">0–100; pruning drops the lowest first and the loader renders the highest first.</param>
/// <param name="Content">The text.</param>
/// <param name="ExpiresAt">After this the item is neither loaded nor kept.</param>
/// <param name="Merge">Append <paramref name="Content"/> to the existing item's instead of replacing it.</param>
public record SaveContextItem(
    string? ItemId,
    string Type,
    string Scope,
    string? SessionId,
    string? ProjectDir,
    string? User,
    string? Team,
    bool Private,
    int Priority,
    string Content,
    DateTimeOffset? ExpiresAt,
    bool Merge);
