using SessionManagement.Context.Items;

namespace SessionManagement.Context.Storage;

/// <summary>The context module's items.</summary>
public interface IContextStore
{
    Task<ContextItem?> GetAsync(string itemId, CancellationToken cancellationToken);

    /// <summary>Writes the item, replacing any with its id.</summary>
    Task SaveAsync(ContextItem item, CancellationToken cancellationToken);

    /// <summary>
    /// Items in any of the scopes named (the session's, the project's, the user's, the team's), visible or not; the caller applies the rules.
    /// A project's items are also those of the checkout it is a worktree of (<see cref="SessionManagement.Contracts.ProjectFolders"/>).
    /// </summary>
    Task<IReadOnlyList<ContextItem>> CandidatesAsync(string? sessionId, string? projectDir, string? user, string? team, CancellationToken cancellationToken);

    /// <summary>Every item of one scope and key, for pruning.</summary>
    Task<IReadOnlyList<ContextItem>> InScopeAsync(string scope, string key, CancellationToken cancellationToken);

    Task DeleteAsync(IReadOnlyCollection<string> itemIds, CancellationToken cancellationToken);

    /// <summary>Every item's scope, the scope's key, its id and version (not its content): what a backup run compares with its files.</summary>
    Task<IReadOnlyList<ContextItemVersion>> VersionsAsync(CancellationToken cancellationToken);
}

/// <summary>Which version of an item the store holds, and in which scope (<see cref="ContextRules.ScopeKey"/>).</summary>
public sealed record ContextItemVersion(string Scope, string Key, string ItemId, long Version);
