using System.Text.Json;
using MassTransit;
using MassTransit.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using SessionManagement.Contracts.Gateway;
using SessionManagement.Hosting.Bus;
using SessionManagement.Hosting.Http;
using SessionManagement.Hosting.Options;

namespace SessionManagement.Hosting.Tests.Http;

public sealed class ModuleFaultsTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task When_the_module_a_route_asks_fails_Should_answer_502_naming_the_module_and_why()
    {
        // A real fault, carried back over the in-memory bus from a consumer that throws.
        await using var provider = new ServiceCollection()
            .AddMassTransitTestHarness(bus =>
            {
                bus.AddConsumer<Bus.InProcessMessageSerializerTests.FailingResponder>();
                bus.UseSessionManagementTransport(new BusOptions { Transport = BusTransport.InMemory });
            })
            .BuildServiceProvider(true);
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        var request = new HookEventCaptured(Guid.CreateVersion7(), "session-1", "Stop", DateTimeOffset.UtcNow, 1, "host", "user", "/work", null, "{}");
        var fault = await Assert.ThrowsAsync<RequestFaultException>(() =>
            harness.GetRequestClient<HookEventCaptured>().GetResponse<HookEventCaptured>(request, Cancel, RequestTimeout.After(s: 60)));
        var http = new DefaultHttpContext { RequestServices = provider };
        http.Response.Body = new MemoryStream();

        await ModuleFaults.AnswerAsync(http, _ => throw fault);

        Assert.Equal(StatusCodes.Status502BadGateway, http.Response.StatusCode);
        http.Response.Body.Position = 0;
        var error = JsonDocument.Parse(http.Response.Body).RootElement.GetProperty("error").GetString();
        Assert.Equal("the gateway module failed on HookEventCaptured: the store refused it", error);
    }

    [Theory]
    [InlineData("SessionManagement.Contracts.Chat.ListTranscriptFiles", "chat")]
    [InlineData("SessionManagement.Contracts.Saver.DeleteSession", "saver")]
    [InlineData("Elsewhere.Request", "answering")]
    [InlineData(null, "answering")]
    public void When_a_request_type_is_named_Should_take_its_module_from_its_contract(string? requestType, string module) =>
        Assert.Equal(module, ModuleFaults.ModuleOf(requestType));
}
