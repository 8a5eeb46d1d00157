using MongoDB.Driver;

namespace SessionManagement.Hosting.Storage.Mongo;

/// <summary>A module's indexes (every query filter and uniqueness rule has one), created idempotently at start-up.</summary>
public interface IMongoIndexDefinition
{
    Task CreateAsync(IMongoDatabase database, CancellationToken cancellationToken);
}
