using SessionManagement.Gateway.Journal;
using SessionManagement.Gateway.Storage;
using SessionManagement.Testing;

namespace SessionManagement.Gateway.Tests.Storage;

public abstract class DeliveryJournalContract : IAsyncLifetime
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 10, 0, 0, 250, TimeSpan.Zero);
    private GatewayStoreProvider _provider = null!;

    protected IDeliveryJournal Journal { get; private set; } = null!;

    private protected abstract Task<GatewayStoreProvider> OpenAsync();

    private protected abstract IDeliveryJournal Create(GatewayStoreProvider provider);

    public async ValueTask InitializeAsync()
    {
        _provider = await OpenAsync();
        Journal = Create(_provider);
    }

    public ValueTask DisposeAsync() => _provider.DisposeAsync();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static DeliveryRecord Published(DateTimeOffset at) =>
        new(Guid.CreateVersion7(), at, "session-1", "PreToolUse", DeliveryStatus.Published, "sm-hook", 120, null, null, null);

    [Fact]
    public async Task When_a_rejected_hook_is_journaled_Should_keep_its_raw_bytes_exactly()
    {
        byte[] raw = [0x7B, 0xFF, 0x00, 0x22, 0x0A];
        var rejected = new DeliveryRecord(Guid.CreateVersion7(), At, "", "", DeliveryStatus.Rejected, "http", raw.Length, "malformed JSON", raw, null);

        await Journal.AppendAsync([rejected], Cancel);

        Assert.Equivalent(rejected, await Journal.GetAsync(rejected.EventId, Cancel), strict: true);
    }

    [Fact]
    public async Task When_an_event_id_is_journaled_twice_Should_keep_the_first_record()
    {
        var first = Published(At);
        await Journal.AppendAsync([first], Cancel);

        await Journal.AppendAsync([first with { Channel = "spool", SizeBytes = 999 }, Published(At.AddSeconds(1))], Cancel);

        Assert.Equal("sm-hook", (await Journal.GetAsync(first.EventId, Cancel))!.Channel);
        Assert.Equal(2, (await Journal.ListAsync(null, 100, Cancel)).Count);
    }

    [Fact]
    public async Task When_asked_whether_an_event_was_delivered_Should_know()
    {
        var delivered = Published(At);
        await Journal.AppendAsync([delivered], Cancel);

        Assert.True(await Journal.ContainsAsync(delivered.EventId, Cancel));
        Assert.False(await Journal.ContainsAsync(Guid.CreateVersion7(), Cancel));
    }

    [Fact]
    public async Task When_listing_by_status_Should_return_the_newest_first()
    {
        var older = Published(At);
        var newer = Published(At.AddMinutes(1));
        var rejected = new DeliveryRecord(Guid.CreateVersion7(), At.AddMinutes(2), "", "", DeliveryStatus.Rejected, "http", 0, "empty input", [], null);
        await Journal.AppendAsync([older, rejected, newer], Cancel);

        Assert.Equal([newer.EventId, older.EventId], (await Journal.ListAsync(DeliveryStatus.Published, 10, Cancel)).Select(r => r.EventId));
        Assert.Equal([rejected.EventId], (await Journal.ListAsync(DeliveryStatus.Rejected, 10, Cancel)).Select(r => r.EventId));
        Assert.Single(await Journal.ListAsync(null, 1, Cancel));
    }
}

public sealed class SqliteDeliveryJournalTests : DeliveryJournalContract
{
    private protected override Task<GatewayStoreProvider> OpenAsync() => Task.FromResult(GatewayStoreProvider.OpenSqlite());

    private protected override IDeliveryJournal Create(GatewayStoreProvider provider) => new SqliteDeliveryJournal(provider.Sqlite!);
}

public sealed class MongoDeliveryJournalTests(InfrastructureFixture infrastructure) : DeliveryJournalContract
{
    private protected override Task<GatewayStoreProvider> OpenAsync() => GatewayStoreProvider.OpenMongoAsync(infrastructure);

    private protected override IDeliveryJournal Create(GatewayStoreProvider provider) => new MongoDeliveryJournal(provider.Mongo!);
}
