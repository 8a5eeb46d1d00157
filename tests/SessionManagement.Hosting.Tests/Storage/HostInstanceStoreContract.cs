using SessionManagement.Hosting.Instances;

namespace SessionManagement.Hosting.Tests.Storage;

/// <summary>What every <see cref="IHostInstanceStore"/> provider must do; one subclass per provider.</summary>
public abstract class HostInstanceStoreContract : IAsyncLifetime
{
    // Millisecond precision: the finest both providers keep.
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 9, 30, 15, 123, TimeSpan.Zero);

    protected IHostInstanceStore Store { get; private set; } = null!;

    protected abstract Task<IHostInstanceStore> CreateStoreAsync();

    public virtual async ValueTask InitializeAsync() => Store = await CreateStoreAsync();

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static HostInstance NewInstance(DateTimeOffset startedAt, params string[] targets) => new(
        Guid.CreateVersion7(), "machine-a", 4242, targets, "1.2.3", "RabbitMq", "MongoDb", "http://127.0.0.1:4780",
        startedAt, startedAt, null);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task When_a_start_is_recorded_Should_read_back_every_field()
    {
        var instance = NewInstance(Start, "gateway", "saver");

        await Store.RecordStartAsync(instance, Cancel);

        Assert.Equivalent(instance, await Store.GetAsync(instance.InstanceId, Cancel), strict: true);
    }

    [Fact]
    public async Task When_the_same_instance_starts_again_Should_replace_it_not_duplicate_it()
    {
        var instance = NewInstance(Start, "all");
        await Store.RecordStartAsync(instance, Cancel);

        var restarted = instance with { Targets = ["gateway"], LastSeenAt = Start.AddMinutes(1) };
        await Store.RecordStartAsync(restarted, Cancel);

        Assert.Equivalent(restarted, await Store.GetAsync(instance.InstanceId, Cancel), strict: true);
        Assert.Single(await Store.ListRecentAsync(100, Cancel), i => i.InstanceId == instance.InstanceId);
    }

    [Fact]
    public async Task When_heartbeats_arrive_out_of_order_Should_keep_the_latest()
    {
        var instance = NewInstance(Start);
        await Store.RecordStartAsync(instance, Cancel);

        Assert.True(await Store.RecordHeartbeatAsync(instance.InstanceId, Start.AddSeconds(60), Cancel));
        Assert.True(await Store.RecordHeartbeatAsync(instance.InstanceId, Start.AddSeconds(30), Cancel));

        Assert.Equal(Start.AddSeconds(60), (await Store.GetAsync(instance.InstanceId, Cancel))!.LastSeenAt);
    }

    [Fact]
    public async Task When_the_instance_is_unknown_Should_say_so_on_heartbeat_and_get()
    {
        var unknown = Guid.CreateVersion7();

        Assert.False(await Store.RecordHeartbeatAsync(unknown, Start, Cancel));
        Assert.Null(await Store.GetAsync(unknown, Cancel));
    }

    [Fact]
    public async Task When_an_instance_stops_Should_record_when()
    {
        var instance = NewInstance(Start);
        await Store.RecordStartAsync(instance, Cancel);

        await Store.RecordStopAsync(instance.InstanceId, Start.AddHours(2), Cancel);

        var stopped = await Store.GetAsync(instance.InstanceId, Cancel);
        Assert.Equal(Start.AddHours(2), stopped!.StoppedAt);
        Assert.Equal(Start.AddHours(2), stopped.LastSeenAt);
    }

    [Fact]
    public async Task When_listing_Should_return_the_most_recently_started_first_within_the_limit()
    {
        var oldest = NewInstance(Start.AddDays(-2));
        var newest = NewInstance(Start);
        var middle = NewInstance(Start.AddDays(-1));
        foreach (var instance in new[] { oldest, newest, middle })
            await Store.RecordStartAsync(instance, Cancel);

        var listed = await Store.ListRecentAsync(2, Cancel);

        Assert.Equal([newest.InstanceId, middle.InstanceId], listed.Select(i => i.InstanceId));
    }

    [Fact]
    public async Task When_pinged_Should_answer()
    {
        await Store.PingAsync(Cancel);
    }
}
