using SessionManagement.Host;
using SessionManagement.Hosting.Configuration;
using SessionManagement.Hosting.Modules;

NativeMemory.LimitArenas();

// The content root is the install folder, not the working directory: the framework watches its content root for
// appsettings changes, and a data folder under the working directory would have every write to the store reported.
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
SessionManagementSettings settings;
IReadOnlyList<string> targets;
try
{
    builder.Configuration.Sources.Clear();
    builder.Configuration.AddSessionManagementLayers(args, ConfigurationLayers.HomeDirectory(), ConfigurationLayers.ProjectDirectory());
    settings = SessionManagementSettings.Load(builder.Configuration);
    targets = HostTargets.Parse(builder.Configuration["target"], ModuleCatalog.Modules.Keys);
    var sessionManagement = builder.Services.AddSessionManagement(builder.Configuration, settings, targets);
    foreach (var target in targets)
        ModuleCatalog.Modules[target](sessionManagement);
    sessionManagement.AddBus();
}
catch (Exception error) when (error is InvalidConfigurationException or ArgumentException or InvalidDataException)
{
    Console.Error.WriteLine($"session-management: {error.Message}");
    return 2;
}
builder.Logging.AddSessionManagementLogging(builder.Configuration);

builder.WebHost.UseUrls(settings.Http.Urls);
// A connection's next buffer is taken before its data comes, instead of after an empty read that waits for it: an upload is
// read in half as many system calls (77,000 instead of 155,000 for 300 MB), for a buffer held by each idle connection. The
// buffers are 64 KB (ConnectionMemoryPool), which reads the same 300 MB in 6,400 calls; registered last, Kestrel takes it.
builder.WebHost.UseSockets(sockets => sockets.WaitForDataBeforeAllocatingBuffer = false);
builder.Services.AddSingleton<Microsoft.AspNetCore.Connections.IMemoryPoolFactory<byte>, SessionManagement.Hosting.Http.ConnectionMemoryPoolFactory>();
builder.Services.AddHostedService<IdleMemory>();

var app = builder.Build();
app.MapSessionManagement();
app.Logger.LogInformation(
    "Session management {Version} serving [{Targets}] on {Urls} (bus {Transport}, store {Storage} at {Location})",
    CurrentVersion(), targets.Count == 0 ? "infrastructure only" : string.Join(", ", targets), settings.Http.Urls,
    settings.Bus.Transport, settings.Storage.Provider,
    settings.Storage.Provider == SessionManagement.Hosting.Options.StorageProvider.Sqlite ? settings.Storage.SqlitePath : settings.Storage.MongoDbDatabase);
try
{
    await app.RunAsync();
    if (SessionManagement.Hosting.Security.ListenerGuard.Refused)
        return 2;
}
catch (OperationCanceledException)
{
    // A service still writing when the stop's deadline (4 s) passed: what it had not written is said in the log above; stop anyway.
    Console.Error.WriteLine("session-management: stopped before every service finished writing (see the warnings above); what was accepted is kept and handed over again at the next start");
    return 0;
}
catch (IOException error) when (error.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
{
    // Another process listens there (often session management already running): say so instead of ending in a stack trace.
    Console.Error.WriteLine($"session-management: cannot listen on {settings.Http.Urls}: the address is already in use (is session management already running?)");
    return 3;
}
catch (SessionManagement.Hosting.Storage.StoreStartupException error)
{
    // A damaged, foreign or unwritable store: what it is and what to do, not a stack trace (sm-hook spools meanwhile).
    Console.Error.WriteLine($"session-management: {error.Message}");
    return error.ExitCode;
}
return 0;

static string CurrentVersion() => SessionManagement.Hosting.Instances.CurrentHostInstance.Version;
