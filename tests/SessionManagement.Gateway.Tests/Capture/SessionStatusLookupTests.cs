using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SessionManagement.Bridge;
using SessionManagement.Contracts.Status;
using SessionManagement.Gateway.Capture;
using SessionManagement.Hosting.Bus;
using SessionManagement.Hosting.Configuration;
using SessionManagement.Hosting.Instances;
using SessionManagement.Hosting.Options;

namespace SessionManagement.Gateway.Tests.Capture;

public sealed class SessionStatusLookupTests
{
    [Fact]
    public async Task When_the_status_module_fails_on_the_question_Should_draw_the_row_without_it_as_when_it_does_not_answer()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var provider = new ServiceCollection()
            .AddMassTransitTestHarness(bus =>
            {
                bus.AddConsumer<FailingStatus>();
                bus.UseSessionManagementTransport(new BusOptions { Transport = BusTransport.InMemory });
            })
            .BuildServiceProvider(true);
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        // The status module runs in this process: the instance registry is not asked.
        var host = new CurrentHostInstance(SessionManagementSettings.Load(new ConfigurationBuilder().Build()), ["gateway", "status"]);
        var lookup = new SessionStatusLookup(provider, Microsoft.Extensions.Options.Options.Create(new BusOptions { Transport = BusTransport.InMemory }),
            host, instances: null!, TimeProvider.System);
        var extras = new StatusExtras(true, 3, 0, ["not ready: hooks are spooled"]);

        // Waits long enough for the fault to come back: a timeout would leave the row as it is too, so the consumer must have failed.
        var row = await lookup.AddToAsync(extras, "session-1", cancel, TimeSpan.FromSeconds(60));

        Assert.Same(extras, row);
        Assert.True(await harness.Consumed.Any<Fault<GetSessionStatus>>(cancel) || await harness.Published.Any<Fault<GetSessionStatus>>(cancel));
    }

    public sealed class FailingStatus : IConsumer<GetSessionStatus>
    {
        public Task Consume(ConsumeContext<GetSessionStatus> context) => throw new InvalidOperationException("the status store refused it");
    }
}
