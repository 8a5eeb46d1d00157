using Microsoft.Extensions.Options;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;
using SessionManagement.Context.Items;
using SessionManagement.Contracts;
using SessionManagement.Hosting.Options;
using SessionManagement.Hosting.Security;
using SessionManagement.Hosting.Storage;

namespace SessionManagement.Context.Storage;

internal sealed class MongoContextStore : IContextStore, IAtRestRecords
{
    private static readonly FilterDefinitionBuilder<ContextItemDocument> Filter = Builders<ContextItemDocument>.Filter;
    private readonly IMongoCollection<ContextItemDocument> _items;
    private readonly IOptions<PersistenceOptions> _persistence;
    private readonly AtRest _atRest;

    public MongoContextStore(IMongoDatabase database, IOptions<PersistenceOptions> persistence, AtRest atRest)
    {
        _atRest = atRest;
        ContextMongoCollections.RegisterMaps();
        _items = database.GetCollection<ContextItemDocument>(ContextMongoCollections.Items);
        _persistence = persistence;
    }

    public async Task<ContextItem?> GetAsync(string itemId, CancellationToken cancellationToken)
    {
        var document = await _items.Find(i => i.Id == itemId).FirstOrDefaultAsync(cancellationToken);
        return document is null ? null : ToItem(document);
    }

    public async Task SaveAsync(ContextItem i, CancellationToken cancellationToken)
    {
        var (content, encoding) = CompressedText.Encode(i.Content, _persistence.Value.Compression, _atRest, SqliteContextStore.Record);
        var document = new ContextItemDocument(i.ItemId, i.Type, i.Scope, i.SessionId, i.ProjectDir, i.User, i.Team, i.Private, i.Priority,
            i.SourceSessionId, content, encoding, i.CreatedAt, i.UpdatedAt, i.ExpiresAt, i.Version, i.SchemaVersion, i.Checksum);
        await _items.ReplaceOneAsync(d => d.Id == i.ItemId, document, new ReplaceOptions { IsUpsert = true }, cancellationToken);
    }

    public async Task<IReadOnlyList<ContextItem>> CandidatesAsync(string? sessionId, string? projectDir, string? user, string? team, CancellationToken cancellationToken)
    {
        var filter = Filter.Or(
            Filter.Eq(i => i.Scope, "session") & Filter.Eq(i => i.SessionId, sessionId),
            Filter.Eq(i => i.Scope, "project") & Filter.In(i => i.ProjectDir, new[] { projectDir, ProjectFolders.CheckoutOf(projectDir) }.Where(p => p is not null)),
            Filter.Eq(i => i.Scope, "user") & Filter.Eq(i => i.User, user),
            Filter.Eq(i => i.Scope, "team") & Filter.Eq(i => i.Team, team));
        var documents = await _items.Find(filter).ToListAsync(cancellationToken);
        // A scope asked for with no key (say, no team) matches items whose key is missing; those are not that scope's.
        return documents.Select(ToItem).Where(i => ContextRules.ScopeKey(i) is not null).ToList();
    }

    public async Task<IReadOnlyList<ContextItem>> InScopeAsync(string scope, string key, CancellationToken cancellationToken)
    {
        var byKey = scope switch
        {
            "session" => Filter.Eq(i => i.SessionId, key),
            "project" => Filter.Eq(i => i.ProjectDir, key),
            "user" => Filter.Eq(i => i.User, key),
            _ => Filter.Eq(i => i.Team, key),
        };
        return (await _items.Find(Filter.Eq(i => i.Scope, scope) & byKey).ToListAsync(cancellationToken)).Select(ToItem).ToList();
    }

    public Task DeleteAsync(IReadOnlyCollection<string> itemIds, CancellationToken cancellationToken) =>
        _items.DeleteManyAsync(Filter.In(i => i.Id, itemIds), cancellationToken);

    public async Task<IReadOnlyList<ContextItemVersion>> VersionsAsync(CancellationToken cancellationToken)
    {
        // Fields included by name (the item's id comes with them), none of the content: nothing is opened or decompressed.
        var map = BsonClassMap.LookupClassMap(typeof(ContextItemDocument));
        string Field(string member) => map.GetMemberMap(member).ElementName;
        var (scope, session, project, user, team, version) = (Field(nameof(ContextItemDocument.Scope)), Field(nameof(ContextItemDocument.SessionId)),
            Field(nameof(ContextItemDocument.ProjectDir)), Field(nameof(ContextItemDocument.User)), Field(nameof(ContextItemDocument.Team)),
            Field(nameof(ContextItemDocument.Version)));
        var fields = Builders<ContextItemDocument>.Projection.Include(scope).Include(session).Include(project).Include(user).Include(team).Include(version);
        var documents = await _items.Find(Filter.Empty).Project(fields).ToListAsync(cancellationToken);
        static string? Text(BsonDocument d, string name) => d.TryGetValue(name, out var value) && value.IsString ? value.AsString : null;
        return documents
            .Select(d => (d, Scope: Text(d, scope)!, Key: Text(d, scope) switch
            {
                "session" => Text(d, session),
                "project" => Text(d, project),
                "user" => Text(d, user),
                _ => Text(d, team),
            }))
            .Where(v => v.Key is not null && v.Scope is not null)
            .Select(v => new ContextItemVersion(v.Scope, v.Key!, v.d["_id"].AsString, v.d[version].ToInt64())).ToList();
    }

    public string Name => "context";

    /// <summary>Seals again a chunk of items whose content is in clear or under an older key, by id.</summary>
    public async Task<(string? Next, int Resealed)> ResealAsync(AtRest keys, string? cursor, int max, CancellationToken cancellationToken)
    {
        var chunk = await _items.Find(cursor is null ? Filter.Empty : Filter.Gt(d => d.Id, cursor)).SortBy(d => d.Id).Limit(max).ToListAsync(cancellationToken);
        var resealed = 0;
        foreach (var d in chunk.Where(d => keys.IsStale(d.Content)))
        {
            await _items.UpdateOneAsync(Filter.Eq(x => x.Id, d.Id),
                Builders<ContextItemDocument>.Update.Set(x => x.Content, keys.Seal(keys.Open(d.Content, SqliteContextStore.Record), SqliteContextStore.Record)),
                cancellationToken: cancellationToken);
            resealed++;
        }
        return (chunk.Count == 0 ? null : chunk[^1].Id, resealed);
    }

    private ContextItem ToItem(ContextItemDocument d) => new(d.Id, d.Type, d.Scope, d.SessionId, d.ProjectDir, d.User, d.Team, d.Private,
        d.Priority, d.SourceSessionId, CompressedText.Decode(d.Content, d.Encoding, _atRest, SqliteContextStore.Record), d.CreatedAt, d.UpdatedAt, d.ExpiresAt, d.Version, d.SchemaVersion, d.Checksum);
}
