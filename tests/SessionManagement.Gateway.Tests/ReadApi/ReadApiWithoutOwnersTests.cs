using System.Net;
using System.Text.Json;
using SessionManagement.Testing;

namespace SessionManagement.Gateway.Tests.ReadApi;

public sealed class ReadApiWithoutOwnersTests
{
    [Fact]
    public async Task When_only_the_gateway_runs_Should_answer_504_naming_the_module_to_start()
    {
        await using var host = HostProcess.Start(new Dictionary<string, string> { ["SM_Gateway__QueryTimeoutMs"] = "300" }, "--target=gateway");
        await host.WaitForAsync("/readyz", HttpStatusCode.OK, TimeSpan.FromSeconds(60));

        using var sessions = await host.Http.GetAsync("/api/sessions", TestContext.Current.CancellationToken);
        using var search = await host.Http.GetAsync("/api/search?q=x", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.GatewayTimeout, sessions.StatusCode);
        Assert.Contains("no saver module answered", JsonDocument.Parse(await sessions.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))
            .RootElement.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.GatewayTimeout, search.StatusCode);
    }
}
