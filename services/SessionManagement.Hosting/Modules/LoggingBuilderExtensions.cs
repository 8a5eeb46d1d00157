using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace SessionManagement.Hosting.Modules;

public static class LoggingBuilderExtensions
{
    /// <summary>
    /// Structured console logging: one line per entry with UTC timestamps, or JSON when
    /// <c>Logging:Format</c> is <c>json</c> (for log shippers). Levels come from <c>Logging:LogLevel</c>, over these defaults: the
    /// libraries' own information (an endpoint configured, a scheduler's thread pool) is left out, their warnings and errors kept.
    /// </summary>
    public static ILoggingBuilder AddSessionManagementLogging(this ILoggingBuilder logging, IConfiguration configuration)
    {
        logging.ClearProviders();
        logging.SetMinimumLevel(LogLevel.Information);
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        logging.AddFilter("MassTransit", LogLevel.Warning);
        logging.AddFilter("Quartz", LogLevel.Warning);
        // After the defaults: of two rules for the same category the later wins, so Logging:LogLevel:MassTransit=Information works.
        logging.AddConfiguration(configuration.GetSection("Logging"));
        if (string.Equals(configuration["Logging:Format"], "json", StringComparison.OrdinalIgnoreCase))
        {
            logging.AddJsonConsole(json =>
            {
                json.UseUtcTimestamp = true;
                json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            });
        }
        else
        {
            logging.AddSimpleConsole(simple =>
            {
                simple.SingleLine = true;
                simple.UseUtcTimestamp = true;
                simple.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            });
        }
        return logging;
    }
}
