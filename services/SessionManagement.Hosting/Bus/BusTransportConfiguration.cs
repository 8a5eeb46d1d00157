using MassTransit;
using SessionManagement.Hosting.Configuration;
using SessionManagement.Hosting.Options;

namespace SessionManagement.Hosting.Bus;

/// <summary>The one switch between the in-memory bus (embedded) and RabbitMQ (distributed), with the endpoint conventions both share.</summary>
public static class BusTransportConfiguration
{
    /// <summary>
    /// Kebab-case endpoints, retry intervals set once for every endpoint, faults to <c>_error</c> queues
    /// (MassTransit's default), and the transport <paramref name="options"/> selects.
    /// </summary>
    public static void UseSessionManagementTransport(this IBusRegistrationConfigurator bus, BusOptions options)
    {
        bus.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(options.EndpointPrefix, includeNamespace: false));
        // Session data never leaves the machine unasked, and neither does MassTransit's usage report.
        bus.DisableUsageTelemetry();
        bus.AddConsumeObserver<ConsumeMetricsObserver>();
        var intervals = options.RetryIntervalsMs.ToArray();
        if (options.TemporaryEndpoints)
        {
            bus.AddConfigureEndpointsCallback((_, _, endpoint) =>
            {
                if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbitMq)
                {
                    rabbitMq.AutoDelete = true;
                    rabbitMq.Durable = false;
                }
            });
        }
        if (intervals.Length > 0)
            bus.AddConfigureEndpointsCallback((_, _, endpoint) => endpoint.UseMessageRetry(retry => retry.Intervals(intervals)));

        switch (options.Transport)
        {
            case BusTransport.InMemory:
                bus.UsingInMemory((context, cfg) =>
                {
                    // Endpoints of this process take the message that was sent instead of reading its JSON back.
                    var serializer = new InProcessMessageSerializer();
                    cfg.ClearSerialization();
                    cfg.AddSerializer(serializer, isSerializer: true);
                    cfg.AddDeserializer(serializer, isDefault: true);
                    cfg.ConfigureEndpoints(context);
                });
                break;
            case BusTransport.RabbitMq:
                if (!RabbitMqAddress.TryParse(options.RabbitMqUri ?? "", out var address, out var problem))
                    throw new InvalidConfigurationException([$"Bus:RabbitMqUri: {problem}"]);
                bus.UsingRabbitMq((context, cfg) =>
                {
                    cfg.Host(address.Host, address.Port, address.VirtualHost, host =>
                    {
                        host.Username(address.Username);
                        host.Password(address.Password);
                        if (address.UseTls)
                            host.UseSsl(ssl => ssl.ServerName = address.Host);
                    });
                    cfg.PrefetchCount = options.PrefetchCount;
                    cfg.ConfigureEndpoints(context);
                });
                break;
            default:
                throw new InvalidConfigurationException([$"Bus:Transport: unknown transport '{options.Transport}'"]);
        }
    }
}
