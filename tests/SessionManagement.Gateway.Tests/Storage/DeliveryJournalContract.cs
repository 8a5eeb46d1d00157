using SessionManagement.Gateway.Journal;
using SessionManagement.Gateway.Storage;
using SessionManagement.Testing;

namespace SessionManagement.Gateway.Tests.Storage;

public abstract class DeliveryJournalContract : GatewayStoreContract<IDeliveryJournal>
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 10, 0, 0, 250, TimeSpan.Zero);

    private static DeliveryRecord Published(DateTimeOffset at) =>
        new(Guid.CreateVersion7(), at, "session-1", "PreToolUse", DeliveryStatus.Published, "sm-hook", 120, null, null, null);

    [Fact]
    public async Task When_a_rejected_hook_is_journaled_Should_keep_its_raw_bytes_exactly()
    {
        byte[] raw = [0x7B, 0xFF, 0x00, 0x22, 0x0A];
        var rejected = new DeliveryRecord(Guid.CreateVersion7(), At, "", "", DeliveryStatus.Rejected, "http", raw.Length, "malformed JSON", raw, null);

        await Store.AppendAsync([rejected], Cancel);

        Assert.Equivalent(rejected, await Store.GetAsync(rejected.EventId, Cancel), strict: true);
    }

    [Fact]
    public async Task When_an_event_id_is_journaled_twice_Should_keep_the_first_record()
    {
        var first = Published(At);
        await Store.AppendAsync([first], Cancel);

        await Store.AppendAsync([first with { Channel = "spool", SizeBytes = 999 }, Published(At.AddSeconds(1))], Cancel);

        Assert.Equal("sm-hook", (await Store.GetAsync(first.EventId, Cancel))!.Channel);
        Assert.Equal(2, (await Store.ListAsync(null, 100, Cancel)).Count);
    }

    [Fact]
    public async Task When_asked_whether_an_event_was_delivered_Should_know()
    {
        var delivered = Published(At);
        await Store.AppendAsync([delivered], Cancel);

        Assert.True(await Store.ContainsAsync(delivered.EventId, Cancel));
        Assert.False(await Store.ContainsAsync(Guid.CreateVersion7(), Cancel));
    }

    [Fact]
    public async Task When_listing_by_status_Should_return_the_newest_first()
    {
        var older = Published(At);
        var newer = Published(At.AddMinutes(1));
        var rejected = new DeliveryRecord(Guid.CreateVersion7(), At.AddMinutes(2), "", "", DeliveryStatus.Rejected, "http", 0, "empty input", [], null);
        await Store.AppendAsync([older, rejected, newer], Cancel);

        Assert.Equal([newer.EventId, older.EventId], (await Store.ListAsync(DeliveryStatus.Published, 10, Cancel)).Select(r => r.EventId));
        Assert.Equal([rejected.EventId], (await Store.ListAsync(DeliveryStatus.Rejected, 10, Cancel)).Select(r => r.EventId));
        Assert.Single(await Store.ListAsync(null, 1, Cancel));
    }

    [Fact]
    public async Task When_a_session_is_deleted_Should_forget_what_was_kept_of_its_refused_inputs_and_keep_the_others()
    {
        byte[] raw = "{\"session_id\":\"gone\",\"prompt\":\"a secret\""u8.ToArray();
        var whole = new DeliveryRecord(Guid.CreateVersion7(), At, "gone", "UserPromptSubmit", DeliveryStatus.Rejected, "http", raw.Length, "malformed JSON", raw, null);
        var head = new DeliveryRecord(Guid.CreateVersion7(), At.AddSeconds(1), "gone", "", DeliveryStatus.Rejected, "http", 99_999_999, "over the limit", null,
            "/data/rejected/head-of-gone.head", "AB12");
        var other = new DeliveryRecord(Guid.CreateVersion7(), At.AddSeconds(2), "kept", "", DeliveryStatus.Rejected, "http", raw.Length, "malformed JSON", raw, null);
        var published = Published(At.AddSeconds(3)) with { SessionId = "gone" };
        await Store.AppendAsync([whole, head, other, published], Cancel);

        var files = await Store.ForgetInputsAsync("gone", Cancel);
        var again = await Store.ForgetInputsAsync("gone", Cancel);

        Assert.Equal(["/data/rejected/head-of-gone.head"], files);
        Assert.Empty(again);
        var forgotten = await Store.GetAsync(whole.EventId, Cancel);
        Assert.Equal((null, null, "malformed JSON (its input was deleted with its session)"), (forgotten!.RawInput, forgotten.RawPath, forgotten.Reason));
        Assert.Equal((null, null, "AB12"), ((await Store.GetAsync(head.EventId, Cancel))!.RawInput, (await Store.GetAsync(head.EventId, Cancel))!.RawPath,
            (await Store.GetAsync(head.EventId, Cancel))!.RawSha256));
        Assert.Equivalent(other, await Store.GetAsync(other.EventId, Cancel), strict: true);
        Assert.Equivalent(published, await Store.GetAsync(published.EventId, Cancel), strict: true);
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
