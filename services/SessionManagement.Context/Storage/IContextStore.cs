using SessionManagement.Context.Items;

namespace SessionManagement.Context.Storage;

/// <summary>The context module's items.</summary>
public interface IContextStore
{
    Task<ContextItem?> GetAsync(string itemId, CancellationToken cancellationToken);

    /// <summary>Writes the item, replacing any with its id.</summary>
    Task SaveAsync(ContextItem item, CancellationToken cancellationToken);

    /// <summary>Items in any of the scopes named (the session's, the project's, the user's, the team's), visible or not; the caller applies the rules.</summary>
    Task<IReadOnlyList<ContextItem>> CandidatesAsync(string? sessionId, string? projectDir, string? user, string? team, CancellationToken cancellationToken);

    /// <summary>Every item of one scope and key, for pruning.</summary>
    Task<IReadOnlyList<ContextItem>> InScopeAsync(string scope, string key, CancellationToken cancellationToken);

    Task DeleteAsync(IReadOnlyCollection<string> itemIds, CancellationToken cancellationToken);
}
