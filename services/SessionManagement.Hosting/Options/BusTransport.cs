namespace SessionManagement.Hosting.Options;

public enum BusTransport
{
    InMemory,
    RabbitMq,
}
