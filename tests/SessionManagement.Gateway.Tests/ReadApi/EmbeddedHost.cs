using System.Net;
using SessionManagement.Testing;

namespace SessionManagement.Gateway.Tests.ReadApi;

/// <summary>One embedded host (<c>--target=all</c>, in-memory bus, SQLite) shared by a test class; tests keep apart by session and project.</summary>
public sealed class EmbeddedHost : IAsyncLifetime
{
    public HostProcess Host { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Host = HostProcess.Start();
        await Host.WaitForAsync("/readyz", HttpStatusCode.OK, TimeSpan.FromSeconds(60));
    }

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}
