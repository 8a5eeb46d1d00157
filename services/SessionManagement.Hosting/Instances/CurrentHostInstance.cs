using System.Reflection;
using SessionManagement.Hosting.Configuration;

namespace SessionManagement.Hosting.Instances;

/// <summary>This process's identity in the instance registry.</summary>
public sealed class CurrentHostInstance(SessionManagementSettings settings, IReadOnlyList<string> targets)
{
    public Guid InstanceId { get; } = Guid.CreateVersion7();

    public DateTimeOffset? StartedAt { get; private set; }

    public IReadOnlyList<string> Targets { get; } = targets;

    public static string Version { get; } =
        typeof(CurrentHostInstance).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";

    public HostInstance Describe(DateTimeOffset now)
    {
        StartedAt ??= now;
        return new HostInstance(
            InstanceId,
            Environment.MachineName,
            Environment.ProcessId,
            Targets,
            Version,
            settings.Bus.Transport.ToString(),
            settings.Storage.Provider.ToString(),
            settings.Http.Urls,
            StartedAt.Value,
            now,
            null);
    }
}
