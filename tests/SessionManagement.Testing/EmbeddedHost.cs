using System.Net;
using Xunit;

namespace SessionManagement.Testing;

/// <summary>
/// One embedded host (<c>--target=all</c>, in-memory bus, SQLite) shared by a test class (<c>IClassFixture</c>), whose tests run
/// one after another: they keep apart by session and project, and a test that restarts, kills or configures a host starts its own.
/// </summary>
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
