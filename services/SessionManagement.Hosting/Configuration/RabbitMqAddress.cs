using System.Diagnostics.CodeAnalysis;

namespace SessionManagement.Hosting.Configuration;

/// <summary>The parts of an AMQP URI (user, password, host, port, vhost) that the RabbitMQ transport needs.</summary>
public sealed record RabbitMqAddress(string Host, ushort Port, string VirtualHost, string Username, string Password, bool UseTls)
{
    public static bool TryParse(string text, [NotNullWhen(true)] out RabbitMqAddress? address, out string problem)
    {
        address = null;
        problem = "";
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("amqp" or "amqps" or "rabbitmq"))
        {
            problem = $"'{text}' is not an AMQP URI (scheme amqp, amqps or rabbitmq)";
            return false;
        }
        var tls = uri.Scheme == "amqps";
        var port = uri.IsDefaultPort || uri.Port <= 0 ? (tls ? 5671 : 5672) : uri.Port;
        var credentials = uri.UserInfo.Split(':', 2);
        var vhost = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        address = new RabbitMqAddress(
            uri.Host,
            (ushort)port,
            vhost.Length == 0 ? "/" : vhost,
            credentials[0].Length > 0 ? Uri.UnescapeDataString(credentials[0]) : "guest",
            credentials.Length > 1 ? Uri.UnescapeDataString(credentials[1]) : "guest",
            tls);
        return true;
    }
}
