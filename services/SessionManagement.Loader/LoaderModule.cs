using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using SessionManagement.Contracts.Chat;
using SessionManagement.Contracts.Context;
using SessionManagement.Contracts.Saver;
using SessionManagement.Hosting.Modules;
using SessionManagement.Loader.Cache;
using SessionManagement.Loader.Consumers;
using SessionManagement.Loader.Rendering;

namespace SessionManagement.Loader;

public static class LoaderModule
{
    public const string Name = "loader";

    /// <summary>Answers LoadSession with the SessionStart context, gathered from saver, chat and context within the deadline; caches and preloads.</summary>
    public static SessionManagementBuilder AddLoader(this SessionManagementBuilder builder)
    {
        builder.Services.AddSingleton<RenderedContextCache>();
        builder.Services.AddScoped<SessionContextAssembler>();
        builder.AddBusRegistrations(bus =>
        {
            bus.AddConsumer<LoadSessionConsumer>();
            bus.AddConsumer<LoaderCacheConsumer>();
            bus.AddRequestClient<GetSession>();
            bus.AddRequestClient<ListSessions>();
            bus.AddRequestClient<GetMessages>();
            bus.AddRequestClient<QueryContext>();
        });
        return builder;
    }
}
