using System.Net;
using System.Text;
using SessionManagement.Testing;

namespace SessionManagement.Gateway.Tests.Bridge;

/// <summary>The real host running the gateway (and the modules that store what it captures) over the real broker, and a bus observer on that broker.</summary>
internal sealed class GatewayUnderTest : IAsyncDisposable
{
    private GatewayUnderTest(HostProcess host, BusObserver observer)
    {
        Host = host;
        Observer = observer;
    }

    public HostProcess Host { get; }

    public BusObserver Observer { get; }

    /// <summary>
    /// For tests that expect the loader's answer: a deadline a loaded test machine still meets (the default here is 300 ms, for the
    /// fail-open test). The first request of a freshly started gateway over RabbitMQ once took 7.3 s in a full run; 5 s was not enough.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> PatientLoader =
        new Dictionary<string, string> { ["SM_session_management__performance__load_deadline_ms"] = "20000" };

    public string TranscriptFolder => Path.Combine(Host.Home, ".claude", "projects", "-work-project");

    public static async Task<GatewayUnderTest> StartAsync(InfrastructureFixture infrastructure, IReadOnlyDictionary<string, string>? environment = null)
    {
        var rabbitMq = await infrastructure.RabbitMqUriAsync();
        var observer = await BusObserver.StartAsync(rabbitMq);
        var settings = new Dictionary<string, string>
        {
            ["SM_Bus__Transport"] = "RabbitMq",
            ["SM_Bus__RabbitMqUri"] = rabbitMq,
            ["SM_session_management__performance__load_deadline_ms"] = "300",
            ["SM_Gateway__TranscriptPollSeconds"] = "3600",
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            settings[key] = value;
        // Every module but the loader: the observer's stand-in answers LoadSession here, and must not race a real one.
        var host = HostProcess.Start(settings, "--target=gateway,saver,chat,context");
        await host.WaitForAsync("/readyz", HttpStatusCode.OK, TimeSpan.FromSeconds(60));
        return new GatewayUnderTest(host, observer);
    }

    public Task<HttpResponseMessage> PostHookAsync(string json) =>
        Host.Http.PostAsync("/hooks", new StringContent(json, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

    public static string NewSessionId() => "test-" + Guid.NewGuid().ToString("N")[..12];

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Observer.DisposeAsync();
    }
}
