using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using SessionManagement.Contracts;
using SessionManagement.Contracts.Context;

namespace SessionManagement.Context.Items;

/// <summary>What a valid item is, who may see it, and its checksum: one set of rules for both stores.</summary>
public static class ContextRules
{
    public static readonly IReadOnlySet<string> Types = new HashSet<string>(["conversation", "code", "project", "user"], StringComparer.Ordinal);
    public static readonly IReadOnlySet<string> Scopes = new HashSet<string>(["session", "project", "user", "team"], StringComparer.Ordinal);

    /// <summary>Why the request cannot be stored, or null when it can.</summary>
    public static string? Problem(SaveContextItem request, long maxSize)
    {
        if (!Types.Contains(request.Type))
            return $"type must be one of {string.Join(", ", Types)}, not '{request.Type}'";
        if (!Scopes.Contains(request.Scope))
            return $"scope must be one of {string.Join(", ", Scopes)}, not '{request.Scope}'";
        var key = request.Scope switch
        {
            "session" => (request.SessionId, "sessionId"),
            "project" => (request.ProjectDir, "projectDir"),
            "user" => (request.User, "user"),
            _ => (request.Team, "team"),
        };
        if (string.IsNullOrWhiteSpace(key.Item1))
            return $"{request.Scope} scope needs {key.Item2}";
        if (request.Private && request.SessionId is null && request.User is null)
            return "a private item needs the sessionId or user it stays with";
        if (request.Priority is < 0 or > 100)
            return "priority must be between 0 and 100";
        if (string.IsNullOrEmpty(request.Content))
            return "content is empty";
        if (Encoding.UTF8.GetByteCount(request.Content) > maxSize)
            return $"content is over context_management.max_context_size ({maxSize} bytes)";
        return null;
    }

    /// <summary>The key that places an item in its scope (the session, project, user or team it is shared with).</summary>
    public static string ScopeKey(ContextItem item) => item.Scope switch
    {
        "session" => item.SessionId!,
        "project" => item.ProjectDir!,
        "user" => item.User!,
        _ => item.Team!,
    };

    /// <summary>
    /// Whether a session (of a project, a user and a team) may see the item. Private items never leave the session
    /// they came from, or without one the user they belong to; expired items are seen by no one.
    /// </summary>
    public static bool IsVisible(ContextItem item, QueryContext query, DateTimeOffset now, bool shareAcrossSessions)
    {
        if (item.ExpiresAt is { } expires && expires <= now)
            return false;
        if (item.Private)
        {
            var owner = item.SourceSessionId ?? item.SessionId;
            if (owner is not null ? owner != query.SessionId : item.User != query.User)
                return false;
        }
        return item.Scope switch
        {
            "session" => item.SessionId == query.SessionId,
            "project" => ProjectFolders.BelongsTo(query.ProjectDir, item.ProjectDir) && (shareAcrossSessions || item.SourceSessionId == query.SessionId),
            "user" => item.User == query.User,
            "team" => item.Team == query.Team,
            _ => false,
        };
    }

    public static string Checksum(ContextItem item)
    {
        var text = string.Join('\u001f', item.ItemId, item.Type, item.Scope, item.SessionId, item.ProjectDir, item.User, item.Team,
            item.Private, item.Priority.ToString(CultureInfo.InvariantCulture), item.SourceSessionId, item.Content, Ticks(item.CreatedAt),
            Ticks(item.UpdatedAt), item.ExpiresAt is { } e ? Ticks(e) : "", item.Version.ToString(CultureInfo.InvariantCulture), item.SchemaVersion);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    public static bool IsIntact(ContextItem item) => item.Checksum == Checksum(item);

    public static ContextItem Sealed(ContextItem item) => item with { Checksum = Checksum(item) };

    // Milliseconds: both stores keep times to the millisecond.
    private static string Ticks(DateTimeOffset time) => time.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    public static ContextItemView View(ContextItem i) => new(i.ItemId, i.Type, i.Scope, i.SessionId, i.ProjectDir, i.User, i.Team, i.Private,
        i.Priority, i.Size, i.SourceSessionId, i.Content, i.CreatedAt, i.UpdatedAt, i.ExpiresAt, i.Version);
}
