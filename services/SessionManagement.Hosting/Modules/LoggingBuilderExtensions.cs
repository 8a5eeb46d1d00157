using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace SessionManagement.Hosting.Modules;

public static class LoggingBuilderExtensions
{
    /// <summary>
    /// Structured console logging: one line per entry with UTC timestamps, or JSON when
    /// <c>Logging:Format</c> is <c>json</c> (for log shippers). Levels come from <c>Logging:LogLevel</c>.
    /// </summary>
    public static ILoggingBuilder AddSessionManagementLogging(this ILoggingBuilder logging, IConfiguration configuration)
    {
        logging.ClearProviders();
        logging.AddConfiguration(configuration.GetSection("Logging"));
        logging.SetMinimumLevel(LogLevel.Information);
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        logging.AddFilter("MassTransit", LogLevel.Information);
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
