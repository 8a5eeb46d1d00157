using System.Net;
using SessionManagement.Testing;

namespace SessionManagement.Faults.Tests;

/// <summary>
/// The distributed shape: a gateway and a saver as separate processes over RabbitMQ. Hooks that reach the gateway before any saver
/// ever ran are kept (spooled, not published into nowhere); a saver killed with -9 mid-stream and started again stores every hook
/// the gateway answered 2xx exactly once.
/// </summary>
public sealed class SaverKillTests(InfrastructureFixture infrastructure)
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(180);

    [Fact]
    public async Task When_the_saver_is_killed_mid_stream_over_RabbitMq_Should_store_every_acknowledged_hook_exactly_once_after_a_restart()
    {
        var events = HookLoad.Scale(1_000);
        // A virtual host of its own: on a shared one, the hooks sent before its saver ran would go to another test's saver queue.
        await using var vhost = await RabbitMqVirtualHost.CreateAsync(await infrastructure.RabbitMqUriAsync(), "saver-kill");
        var rabbitMq = vhost.Uri;
        var prefix = "fault-" + Guid.NewGuid().ToString("N")[..10] + "-";
        var settings = new Dictionary<string, string>
        {
            ["SM_Bus__Transport"] = "RabbitMq",
            ["SM_Bus__RabbitMqUri"] = rabbitMq,
            ["SM_Bus__EndpointPrefix"] = prefix,
            ["SM_Bus__TemporaryEndpoints"] = "false",
        };
        var load = new HookLoad("fault-saver-" + Guid.NewGuid().ToString("N")[..8]);
        await using var gateway = HostProcess.Start(settings, "--target=gateway");
        HostProcess? saver = null;
        try
        {
            await gateway.WaitForAsync("/healthz", HttpStatusCode.OK, Within);
            var beforeAnySaver = await load.PostManyAsync(gateway.Http, events / 10, parallel: 2, TestContext.Current.CancellationToken);
            saver = HostProcess.Start(settings, "--target=saver");
            await saver.WaitForAsync("/readyz", HttpStatusCode.OK, Within);
            var store = Path.Combine(saver.DataDirectory, "session-management.db");

            var sending = load.PostManyAsync(gateway.Http, events - events / 10, parallel: 4, TestContext.Current.CancellationToken);
            // Killed the moment half the hooks are answered, from the thread that saw the answer: a poll of the store let a fast saver
            // store them all first. The saver stores behind the answers, so at most as many are stored by then.
            await load.WhenAcknowledged(events / 2).WaitAsync(Within, TestContext.Current.CancellationToken);
            await saver.KillAsync();
            var killedAfter = load.Stored(store).Count;
            await sending;
            var restarted = saver.StartAgain();
            await saver.DisposeAsync();
            saver = restarted;

            var count = (await load.WaitUntilStoredAsync(store, Within)).Report("saver killed mid-stream over RabbitMQ",
                $"stored when killed {killedAfter}; answers before any saver ran {string.Join(", ", beforeAnySaver.Select(a => $"{a.Key}: {a.Value}"))}");

            Assert.Equal(events, count.Acknowledged);
            Assert.True(killedAfter < events, "every hook was stored before the kill: the scenario proved nothing");
            Assert.Equal(0, count.Missing);
            Assert.Equal(0, count.Duplicated);
        }
        finally
        {
            if (saver is not null)
                await saver.DisposeAsync();
            await gateway.DisposeAsync();
            await RabbitMqQueues.DeleteWithPrefixAsync(rabbitMq, prefix);
        }
    }
}
