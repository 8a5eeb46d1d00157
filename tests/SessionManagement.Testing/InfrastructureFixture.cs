using DotNet.Testcontainers.Containers;
using MongoDB.Bson;
using MongoDB.Driver;
using SessionManagement.Hosting.Storage.Mongo;
using Testcontainers.MongoDb;
using Testcontainers.RabbitMq;
using Xunit;

namespace SessionManagement.Testing;

/// <summary>
/// One per test assembly. RabbitMQ and MongoDB come from <c>SM_TEST_RABBITMQ_URI</c> /
/// <c>SM_TEST_MONGODB_URI</c> when set, else from Testcontainers (pinned images, MongoDB as a replica
/// set), else the test fails saying to run <c>./test.sh</c>. Each is started only when a test first
/// asks for it, so tests that need neither never wait for Docker.
/// </summary>
public sealed class InfrastructureFixture : IAsyncLifetime
{
    public const string RabbitMqImage = "rabbitmq:3.13.7-management-alpine";
    public const string MongoDbImage = "mongo:7.0.14";
    private const string HowToGetServers =
        "Run ./test.sh (it starts RabbitMQ and the MongoDB wire-protocol test double and sets SM_TEST_RABBITMQ_URI / SM_TEST_MONGODB_URI), " +
        "set those variables yourself, or make Docker available for Testcontainers.";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<IContainer> _containers = [];
    private string? _rabbitMqUri;
    private MongoEndpoint? _mongo;

    /// <summary>An amqp:// URI of a running RabbitMQ.</summary>
    public async Task<string> RabbitMqUriAsync()
    {
        await _gate.WaitAsync();
        try
        {
            return _rabbitMqUri ??= Environment.GetEnvironmentVariable("SM_TEST_RABBITMQ_URI") is { Length: > 0 } fromEnvironment
                ? fromEnvironment
                : await StartContainerAsync("RabbitMQ", () => new RabbitMqBuilder(RabbitMqImage).Build(),
                    container => ((RabbitMqContainer)container).GetConnectionString());
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A MongoDB endpoint (a real server, or the wire-protocol test double that <c>./test.sh</c> starts).</summary>
    public async Task<MongoEndpoint> MongoAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_mongo is not null)
                return _mongo;
            var uri = Environment.GetEnvironmentVariable("SM_TEST_MONGODB_URI") is { Length: > 0 } fromEnvironment
                ? fromEnvironment
                : await StartContainerAsync("MongoDB", () => new MongoDbBuilder(MongoDbImage).WithReplicaSet().Build(),
                    container => ((MongoDbContainer)container).GetConnectionString());
            return _mongo = await DescribeAsync(uri);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A database name no other test uses.</summary>
    public static string NewDatabaseName() => "sm_test_" + Guid.NewGuid().ToString("N")[..16];

    private async Task<string> StartContainerAsync(string what, Func<IContainer> build, Func<IContainer, string> connectionString)
    {
        IContainer container;
        try
        {
            container = build();
            await container.StartAsync();
        }
        catch (Exception error)
        {
            throw new InfrastructureUnavailableException(
                $"{what} is not available: no SM_TEST_{what.ToUpperInvariant()}_URI was given and Testcontainers could not start one ({error.GetType().Name}: {error.Message}). {HowToGetServers}",
                error);
        }
        _containers.Add(container);
        return connectionString(container);
    }

    private static async Task<MongoEndpoint> DescribeAsync(string uri)
    {
        MongoConventions.Register(); // before any client, so every test sees the product's serializers
        try
        {
            var settings = MongoClientSettings.FromConnectionString(uri);
            settings.ServerSelectionTimeout = TimeSpan.FromSeconds(5);
            using var client = new MongoClient(settings);
            var info = await client.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument("buildInfo", 1));
            return info.TryGetValue("testDouble", out var name)
                ? new MongoEndpoint(uri, true, $"{name.AsString} — a MongoDB wire-protocol test double, not MongoDB")
                : new MongoEndpoint(uri, false, $"MongoDB {info["version"].AsString}");
        }
        catch (Exception error) when (error is MongoException or TimeoutException)
        {
            throw new InfrastructureUnavailableException($"The MongoDB endpoint {uri} did not answer ({error.Message}). {HowToGetServers}", error);
        }
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var container in _containers)
            await container.DisposeAsync();
        _gate.Dispose();
    }
}
