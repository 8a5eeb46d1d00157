using SessionManagement.Chat;
using SessionManagement.Context;
using SessionManagement.Gateway;
using SessionManagement.Hosting.Modules;
using SessionManagement.Loader;
using SessionManagement.Notifier;
using SessionManagement.Saver;
using SessionManagement.Scheduler;
using SessionManagement.Status;

namespace SessionManagement.Host;

/// <summary>
/// The modules this executable can run, by target name. A module joins with its own
/// <c>Add&lt;Module&gt;()</c> registration when it is built.
/// </summary>
internal static class ModuleCatalog
{
    public static readonly IReadOnlyDictionary<string, Action<SessionManagementBuilder>> Modules =
        new Dictionary<string, Action<SessionManagementBuilder>>(StringComparer.OrdinalIgnoreCase)
        {
            [GatewayModule.Name] = builder => builder.AddGateway(),
            [SaverModule.Name] = builder => builder.AddSaver(),
            [ChatModule.Name] = builder => builder.AddChat(),
            [ContextModule.Name] = builder => builder.AddContext(),
            [LoaderModule.Name] = builder => builder.AddLoader(),
            [SchedulerModule.Name] = builder => builder.AddScheduler(),
            [NotifierModule.Name] = builder => builder.AddNotifier(),
            [StatusModule.Name] = builder => builder.AddStatus(),
        };
}
