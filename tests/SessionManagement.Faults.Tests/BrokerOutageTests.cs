using System.Net;
using SessionManagement.Testing;

namespace SessionManagement.Faults.Tests;

/// <summary>
/// The broker cut off (through a proxy the test owns; the shared broker is never touched) while hooks fire: hooks are spooled at
/// once instead of each waiting out the publish timeout, readiness says why, and every hook arrives once the broker is back.
/// </summary>
public sealed class BrokerOutageTests(InfrastructureFixture infrastructure)
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(180);
    private const int PublishTimeoutMs = 5_000;

    /// <summary>How long the broker stays cut at least: <c>SM_FAULT_CUT_SECONDS</c> (bench/faults.sh holds it 30 s), else as long as a third of the hooks take.</summary>
    private static readonly TimeSpan CutFor = TimeSpan.FromSeconds(
        double.TryParse(Environment.GetEnvironmentVariable("SM_FAULT_CUT_SECONDS"), System.Globalization.CultureInfo.InvariantCulture, out var seconds) ? seconds : 0);

    [Fact]
    public async Task When_the_broker_is_cut_while_hooks_fire_Should_spool_them_at_once_and_deliver_every_one_once_it_is_back()
    {
        var events = HookLoad.Scale(600);
        var rabbitMq = new Uri(await infrastructure.RabbitMqUriAsync());
        var prefix = "fault-" + Guid.NewGuid().ToString("N")[..10] + "-";
        await using var proxy = new TcpProxy(rabbitMq.Host, rabbitMq.Port);
        var load = new HookLoad("fault-broker-" + Guid.NewGuid().ToString("N")[..8]);
        await using var host = HostProcess.Start(new Dictionary<string, string>
        {
            ["SM_Bus__Transport"] = "RabbitMq",
            ["SM_Bus__RabbitMqUri"] = $"amqp://{rabbitMq.UserInfo}@127.0.0.1:{proxy.Port}{rabbitMq.AbsolutePath}",
            // Durable queues: what waits in them when the link drops must still be there when it is back.
            ["SM_Bus__EndpointPrefix"] = prefix,
            ["SM_Bus__TemporaryEndpoints"] = "false",
            ["SM_Gateway__PublishTimeoutMs"] = PublishTimeoutMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        try
        {
            await host.WaitForAsync("/readyz", HttpStatusCode.OK, Within);
            var smHook = host.SmHookEnvironment();
            smHook["SM_HOOK_TIMEOUT_MS"] = "20000";

            await load.RunSmHookAsync(smHook, events / 3, parallel: 4);
            proxy.Cut();
            var cut = System.Diagnostics.Stopwatch.StartNew();
            var whileCut = await load.RunSmHookAsync(smHook, events / 3, parallel: 4, atLeast: CutFor);
            cut.Stop();
            var readiness = await host.Http.GetAsync("/readyz", TestContext.Current.CancellationToken);
            proxy.Restore();
            await load.RunSmHookAsync(smHook, events - 2 * (events / 3), parallel: 4);

            var slow = whileCut.Count(d => d.TotalMilliseconds >= PublishTimeoutMs / 2);
            var sorted = whileCut.Order().ToList();
            // A long cut with hooks firing throughout leaves thousands to replay: the wait grows with them.
            var drain = System.Diagnostics.Stopwatch.StartNew();
            var count = (await load.WaitUntilStoredAsync(Path.Combine(host.DataDirectory, "session-management.db"), Within + TimeSpan.FromSeconds(whileCut.Count / 20.0)))
                .Report("broker cut while hooks fire", $"cut {cut.Elapsed.TotalSeconds:0} s, {whileCut.Count} hooks meanwhile, all stored {drain.Elapsed.TotalSeconds:0} s after the rest were sent; sm-hook while cut: p50 {sorted[sorted.Count / 2].TotalMilliseconds:0} ms, " +
                    $"p99 {sorted[(int)(sorted.Count * 0.99)].TotalMilliseconds:0} ms, max {sorted[^1].TotalMilliseconds:0} ms");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, readiness.StatusCode);
            Assert.True(slow <= 4, $"{slow} of {whileCut.Count} hooks waited out the publish timeout while the broker was cut (only the first of each client may)");
            Assert.Equal(load.Sent.Count, count.Acknowledged);
            Assert.Equal(0, count.Missing);
            Assert.Equal(0, count.Duplicated);
        }
        finally
        {
            await host.DisposeAsync();
            await RabbitMqQueues.DeleteWithPrefixAsync(rabbitMq.ToString(), prefix);
        }
    }
}
