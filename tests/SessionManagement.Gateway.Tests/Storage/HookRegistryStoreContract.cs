using SessionManagement.Gateway.Registry;
using SessionManagement.Gateway.Storage;
using SessionManagement.Testing;

namespace SessionManagement.Gateway.Tests.Storage;

public abstract class HookRegistryStoreContract : GatewayStoreContract<IHookRegistryStore>
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 10, 0, 0, 500, TimeSpan.Zero);

    [Fact]
    public async Task When_the_same_event_is_recorded_again_Should_add_the_counts_and_widen_the_times()
    {
        await Store.RecordAsync([new HookRegistryEntry("laptop", "/p", "Stop", 3, At, At.AddMinutes(1), "sm-hook/1.0")], Cancel);

        await Store.RecordAsync([new HookRegistryEntry("laptop", "/p", "Stop", 2, At.AddMinutes(-5), At.AddMinutes(10), "sm-hook/1.1")], Cancel);

        var entry = Assert.Single(await Store.ListAsync(null, null, Cancel));
        Assert.Equal(new HookRegistryEntry("laptop", "/p", "Stop", 5, At.AddMinutes(-5), At.AddMinutes(10), "sm-hook/1.1"), entry);
    }

    [Fact]
    public async Task When_listing_Should_filter_by_host_and_project()
    {
        await Store.RecordAsync(
        [
            new HookRegistryEntry("laptop", "/a", "Stop", 1, At, At, "v"),
            new HookRegistryEntry("laptop", "/b", "Stop", 1, At, At, "v"),
            new HookRegistryEntry("desktop", "/a", "SessionStart", 1, At, At, "v"),
        ], Cancel);

        Assert.Equal(2, (await Store.ListAsync("laptop", null, Cancel)).Count);
        Assert.Equal(2, (await Store.ListAsync(null, "/a", Cancel)).Count);
        Assert.Equal("SessionStart", Assert.Single(await Store.ListAsync("desktop", "/a", Cancel)).HookEventName);
    }
}

public sealed class SqliteHookRegistryStoreTests : HookRegistryStoreContract
{
    private protected override Task<GatewayStoreProvider> OpenAsync() => Task.FromResult(GatewayStoreProvider.OpenSqlite());

    private protected override IHookRegistryStore Create(GatewayStoreProvider provider) => new SqliteHookRegistryStore(provider.Sqlite!);
}

public sealed class MongoHookRegistryStoreTests(InfrastructureFixture infrastructure) : HookRegistryStoreContract
{
    private protected override Task<GatewayStoreProvider> OpenAsync() => GatewayStoreProvider.OpenMongoAsync(infrastructure);

    private protected override IHookRegistryStore Create(GatewayStoreProvider provider) => new MongoHookRegistryStore(provider.Mongo!);
}
