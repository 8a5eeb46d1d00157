using Microsoft.Extensions.Options;
using SessionManagement.Bridge;
using SessionManagement.Gateway.Options;
using SessionManagement.Hosting.Options;

namespace SessionManagement.Gateway.Spool;

/// <summary>The spool the gateway shares with <c>sm-hook</c>.</summary>
internal sealed class GatewaySpool(IOptions<GatewayOptions> gateway, IOptions<StorageOptions> storage)
{
    public SpoolDirectory Directory { get; } = new(
        gateway.Value.SpoolDirectory is { Length: > 0 } configured ? configured
        : Environment.GetEnvironmentVariable("SM_SPOOL_DIR") is { Length: > 0 } fromEnvironment ? fromEnvironment
        : Path.Combine(storage.Value.DataDirectory, "spool"));
}
