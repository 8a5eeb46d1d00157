using Microsoft.Extensions.Configuration;
using SessionManagement.Hosting.Options;

namespace SessionManagement.Hosting.Configuration;

/// <summary>All of the host's options, bound and validated once at start-up.</summary>
public sealed record SessionManagementSettings(
    SessionManagementOptions SessionManagement,
    BusOptions Bus,
    StorageOptions Storage,
    HttpOptions Http)
{
    /// <summary>Binds every section and throws <see cref="InvalidConfigurationException"/> naming each bad key.</summary>
    public static SessionManagementSettings Load(IConfiguration configuration)
    {
        var problems = new List<string>();
        var sessionManagement = OptionsValidation.Bind<SessionManagementOptions>(configuration, SessionManagementOptions.Section, problems);
        var bus = OptionsValidation.Bind<BusOptions>(configuration, BusOptions.Section, problems);
        var storage = OptionsValidation.Bind<StorageOptions>(configuration, StorageOptions.Section, problems);
        var http = OptionsValidation.Bind<HttpOptions>(configuration, HttpOptions.Section, problems);

        if (string.IsNullOrWhiteSpace(storage.DataDirectory))
            storage.DataDirectory = configuration["DATA_DIR"] is { Length: > 0 } fromEnvironment
                ? fromEnvironment
                : Path.Combine(ConfigurationLayers.HomeDirectory(), ".claude", "session-management");

        CheckBus(bus, problems);
        CheckStorage(storage, problems);
        CheckHttp(http, problems);

        if (problems.Count > 0)
            throw new InvalidConfigurationException(problems);
        return new SessionManagementSettings(sessionManagement, bus, storage, http);
    }

    private static void CheckBus(BusOptions bus, List<string> problems)
    {
        if (bus.RetryIntervalsMs.Any(ms => ms < 0))
            problems.Add("Bus:RetryIntervalsMs: intervals must be zero or more milliseconds");
        if (bus.Transport != BusTransport.RabbitMq)
            return;
        if (string.IsNullOrWhiteSpace(bus.RabbitMqUri))
            problems.Add("Bus:RabbitMqUri: required when Bus:Transport is RabbitMq (an AMQP URI with user, password, host, port and vhost)");
        else if (!RabbitMqAddress.TryParse(bus.RabbitMqUri, out _, out var why))
            problems.Add($"Bus:RabbitMqUri: {why}");
    }

    private static void CheckStorage(StorageOptions storage, List<string> problems)
    {
        if (storage.Provider == StorageProvider.MongoDb)
        {
            if (string.IsNullOrWhiteSpace(storage.MongoDbUri))
                problems.Add("Storage:MongoDbUri: required when Storage:Provider is MongoDb (a MongoDB connection string)");
            // Not Uri: a replica-set string lists several hosts, which Uri cannot parse.
            else if (storage.MongoDbUri.Split("://", 2) is not [("mongodb" or "mongodb+srv"), { Length: > 0 }])
                problems.Add("Storage:MongoDbUri: not a MongoDB connection string (scheme mongodb or mongodb+srv)");
            if (string.IsNullOrWhiteSpace(storage.MongoDbDatabase))
                problems.Add("Storage:MongoDbDatabase: must not be empty");
        }
        if (string.IsNullOrWhiteSpace(storage.SqliteFileName) || storage.SqliteFileName.IndexOfAny(['/', '\\']) >= 0)
            problems.Add("Storage:SqliteFileName: must be a plain file name");
    }

    private static void CheckHttp(HttpOptions http, List<string> problems)
    {
        foreach (var url in http.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                problems.Add($"Http:Urls: '{url}' is not an http:// or https:// address");
        }
    }
}
