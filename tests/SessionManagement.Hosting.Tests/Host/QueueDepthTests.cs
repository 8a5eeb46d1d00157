using System.Net;
using System.Net.Http.Headers;
using System.Text;
using SessionManagement.Hosting.Configuration;
using SessionManagement.Testing;

namespace SessionManagement.Hosting.Tests.Host;

public sealed class QueueDepthTests(InfrastructureFixture infrastructure)
{
    [Fact]
    public async Task When_running_on_RabbitMq_Should_report_the_depth_of_its_own_queues()
    {
        var cancel = TestContext.Current.CancellationToken;
        var rabbitMq = await infrastructure.RabbitMqUriAsync();
        RabbitMqAddress.TryParse(rabbitMq, out var address, out _);
        using (var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(3) })
        {
            probe.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{address!.Username}:{address.Password}")));
            try
            {
                (await probe.GetAsync($"http://{address.Host}:15672/api/overview", cancel)).EnsureSuccessStatusCode();
            }
            catch (HttpRequestException error)
            {
                Assert.Skip($"the broker's management API is not reachable on {address.Host}:15672 ({error.Message}); queue depths come from it");
            }
        }
        await using var host = HostProcess.Start(new Dictionary<string, string>
        {
            ["SM_Bus__Transport"] = "RabbitMq",
            ["SM_Bus__RabbitMqUri"] = rabbitMq,
        }, "--target=saver");
        await host.WaitForAsync("/readyz", HttpStatusCode.OK, TimeSpan.FromSeconds(60));

        var metrics = await Eventually.ReturnsAsync(() => host.Http.GetStringAsync("/metrics", cancel),
            text => text.Contains("sm_queue_depth{queue=\"test-", StringComparison.Ordinal) && text.Contains("hook-event-batch\"}", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), "the saver's queue in sm_queue_depth");

        Assert.Matches("sm_queue_depth\\{queue=\"test-[0-9a-f]+-hook-event-batch\"\\} \\d+", metrics);
    }
}
