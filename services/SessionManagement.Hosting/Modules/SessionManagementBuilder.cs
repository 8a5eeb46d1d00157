using MassTransit;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SessionManagement.Hosting.Bus;
using SessionManagement.Hosting.Configuration;
using SessionManagement.Hosting.Options;

namespace SessionManagement.Hosting.Modules;

/// <summary>
/// What a module's <c>Add&lt;Module&gt;()</c> registers into: its services, its consumers (collected
/// so the host configures one bus for every module it runs) and its HTTP routes.
/// </summary>
public sealed class SessionManagementBuilder
{
    private readonly List<Action<IBusRegistrationConfigurator>> _busRegistrations = [];
    private readonly List<Action<IEndpointRouteBuilder>> _routes = [];
    private bool _busAdded;

    internal SessionManagementBuilder(IServiceCollection services, IConfiguration configuration, SessionManagementSettings settings)
    {
        Services = services;
        Configuration = configuration;
        Settings = settings;
    }

    public IServiceCollection Services { get; }

    public IConfiguration Configuration { get; }

    public SessionManagementSettings Settings { get; }

    internal IReadOnlyList<Action<IEndpointRouteBuilder>> Routes => _routes;

    /// <summary>Adds consumers, request clients and the like to the host's one bus.</summary>
    public SessionManagementBuilder AddBusRegistrations(Action<IBusRegistrationConfigurator> register)
    {
        _busRegistrations.Add(register);
        return this;
    }

    /// <summary>
    /// Says that <typeparamref name="TConsumer"/>'s endpoint stores captured hooks (all of them, or with
    /// <paramref name="conversationOnly"/> those that carry conversation text), so the embedded gateway keeps each accepted hook
    /// until that endpoint has consumed it.
    /// </summary>
    public SessionManagementBuilder StoresHookEvents<TConsumer>(bool conversationOnly) where TConsumer : class, IConsumer
    {
        var name = new KebabCaseEndpointNameFormatter(Settings.Bus.EndpointPrefix, includeNamespace: false).Consumer<TConsumer>();
        // SessionManagement.<Module>.Consumers.TConsumer: the module by its namespace.
        var module = typeof(TConsumer).Namespace?.Split('.') is [_, var owner, ..] ? owner.ToLowerInvariant() : name;
        Services.AddSingleton(new HookEventEndpoint(name, conversationOnly, module));
        return this;
    }

    /// <summary>Adds HTTP routes, mapped when the host's web application is built.</summary>
    public SessionManagementBuilder MapRoutes(Action<IEndpointRouteBuilder> map)
    {
        _routes.Add(map);
        return this;
    }

    /// <summary>
    /// Registers the store implementation the configured provider selects: one instance, resolvable as <typeparamref name="TStore"/>
    /// and as itself (for what works beside a store of one provider only, such as SQLite's search indexer).
    /// </summary>
    public SessionManagementBuilder AddStore<TStore, TSqlite, TMongo>()
        where TStore : class
        where TSqlite : class, TStore
        where TMongo : class, TStore
    {
        if (Settings.Storage.Provider == StorageProvider.Sqlite)
            AddStore<TStore, TSqlite>();
        else
            AddStore<TStore, TMongo>();
        return this;
    }

    /// <summary>The module's store, as records that are sealed again under a new key at rest (<see cref="Security.AtRestResealer"/>).</summary>
    public SessionManagementBuilder AddAtRestRecords<TSqlite, TMongo>()
        where TSqlite : class, Security.IAtRestRecords
        where TMongo : class, Security.IAtRestRecords
    {
        if (Settings.Storage.Provider == StorageProvider.Sqlite)
            Services.AddSingleton<Security.IAtRestRecords>(provider => provider.GetRequiredService<TSqlite>());
        else
            Services.AddSingleton<Security.IAtRestRecords>(provider => provider.GetRequiredService<TMongo>());
        return this;
    }

    private void AddStore<TStore, TImplementation>()
        where TStore : class
        where TImplementation : class, TStore
    {
        Services.TryAddSingleton<TImplementation>();
        Services.TryAddSingleton<TStore>(provider => provider.GetRequiredService<TImplementation>());
    }

    /// <summary>Configures the bus with every module's registrations; call once, after the modules.</summary>
    public SessionManagementBuilder AddBus()
    {
        if (_busAdded)
            throw new InvalidOperationException("The bus has already been added.");
        _busAdded = true;
        Services.AddSingleton<BusStarted>();
        Services.AddBusObserver(provider => provider.GetRequiredService<BusStarted>());
        Services.AddMassTransit(bus =>
        {
            foreach (var register in _busRegistrations)
                register(bus);
            bus.UseSessionManagementTransport(Settings.Bus);
        });
        Services.AddOptions<MassTransitHostOptions>().Configure(host =>
        {
            // The host must come up (and report not-ready) while the broker is down, and stop promptly on Ctrl-C
            // after in-flight messages finish.
            host.WaitUntilStarted = false;
            host.StopTimeout = TimeSpan.FromSeconds(3);
        });
        return this;
    }
}
