using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionManagement.Context.Storage;
using SessionManagement.Contracts;
using SessionManagement.Contracts.Context;
using SessionManagement.Hosting.Options;

namespace SessionManagement.Context.Items;

/// <summary>Create, update, merge, load and prune: the rules applied over whichever store is configured.</summary>
public sealed class ContextItems(IContextStore store, IOptions<ContextManagementOptions> options, TimeProvider time, ILogger<ContextItems> logger)
{
    /// <summary>Stores the item, or says why not; prunes its scope back under <c>max_context_size</c>.</summary>
    public async Task<(ContextItem? Item, int Pruned, string? Problem)> SaveAsync(SaveContextItem request, string? sourceSessionId, CancellationToken cancellationToken)
    {
        var maxSize = options.Value.MaxContextSize;
        if (ContextRules.Problem(request, maxSize) is { } problem)
            return (null, 0, problem);
        var now = Milliseconds(time.GetUtcNow());
        var existing = request.ItemId is null ? null : await store.GetAsync(request.ItemId, cancellationToken);
        string content = request.Content;
        if (request.Merge && existing is not null && !existing.Content.Contains(request.Content, StringComparison.Ordinal))
        {
            content = existing.Content + "\n\n" + request.Content;
            if (Encoding.UTF8.GetByteCount(content) > maxSize)
                return (null, 0, $"merged content would be over context_management.max_context_size ({maxSize} bytes)");
        }
        else if (request.Merge && existing is not null)
        {
            content = existing.Content; // merging what is already there changes nothing
        }
        var item = ContextRules.Sealed(new ContextItem(
            existing?.ItemId ?? request.ItemId ?? Guid.CreateVersion7().ToString(),
            request.Type, request.Scope, request.SessionId, ProjectFolders.Normalize(request.ProjectDir), request.User, request.Team, request.Private,
            request.Merge && existing is not null ? Math.Max(existing.Priority, request.Priority) : request.Priority,
            existing?.SourceSessionId ?? sourceSessionId ?? request.SessionId,
            content, existing?.CreatedAt ?? now, now, request.ExpiresAt is { } expires ? Milliseconds(expires) : null,
            (existing?.Version ?? 0) + 1, ContextItem.CurrentSchemaVersion, ""));
        if (existing is not null && existing with { Checksum = "" } == item with { Checksum = "", UpdatedAt = existing.UpdatedAt, Version = existing.Version })
            return (existing, 0, null); // the same save again: nothing to write
        await store.SaveAsync(item, cancellationToken);
        var pruned = await PruneAsync(item, cancellationToken);
        return (item, pruned, null);
    }

    /// <summary>The items a session may see, highest priority then newest first, within <paramref name="query"/>'s size; damaged ones left out and counted.</summary>
    public async Task<(IReadOnlyList<ContextItem> Items, int Corrupted)> QueryAsync(QueryContext query, CancellationToken cancellationToken)
    {
        query = query with { ProjectDir = ProjectFolders.Normalize(query.ProjectDir) };
        var now = time.GetUtcNow();
        var candidates = await store.CandidatesAsync(query.SessionId, query.ProjectDir, query.User, query.Team, cancellationToken);
        var corrupted = 0;
        var items = new List<ContextItem>();
        long size = 0;
        foreach (var item in candidates.OrderByDescending(i => i.Priority).ThenByDescending(i => i.UpdatedAt))
        {
            if (!ContextRules.IsVisible(item, query, now, options.Value.ShareAcrossSessions))
                continue;
            if (!ContextRules.IsIntact(item))
            {
                corrupted++;
                logger.LogWarning("Context item {ItemId} failed its checksum and was left out", item.ItemId);
                continue;
            }
            if (size + item.Size > query.MaxBytes)
                continue;
            size += item.Size;
            items.Add(item);
        }
        return (items, corrupted);
    }

    /// <summary>Keeps the item's scope under <c>max_context_size</c>: expired items go first, then the lowest priority, then the oldest.</summary>
    private async Task<int> PruneAsync(ContextItem saved, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var scope = await store.InScopeAsync(saved.Scope, ContextRules.ScopeKey(saved), cancellationToken);
        var total = scope.Sum(i => i.Size);
        var doomed = new List<string>();
        foreach (var item in scope.OrderBy(i => i.ExpiresAt is { } e && e <= now ? 0 : 1).ThenBy(i => i.Priority).ThenBy(i => i.UpdatedAt))
        {
            var expired = item.ExpiresAt is { } expires && expires <= now;
            if (!expired && total <= options.Value.MaxContextSize)
                break;
            if (item.ItemId == saved.ItemId && !expired)
                continue;
            doomed.Add(item.ItemId);
            total -= item.Size;
        }
        if (doomed.Count > 0)
        {
            await store.DeleteAsync(doomed, cancellationToken);
            logger.LogInformation("Pruned {Count} context items of {Scope} {Key} to stay under {Max} bytes", doomed.Count, saved.Scope, ContextRules.ScopeKey(saved),
                options.Value.MaxContextSize);
        }
        return doomed.Count;
    }

    private static DateTimeOffset Milliseconds(DateTimeOffset time) => DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds());
}
