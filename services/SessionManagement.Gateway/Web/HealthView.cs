using SessionManagement.Hosting.Instances;

namespace SessionManagement.Gateway.Web;

/// <summary>The health page: this host's readiness with each check's reason, the instances running each module, and what waits.</summary>
/// <param name="Queues">Each queue's depth over RabbitMQ; null on the in-memory bus, which has none to show.</param>
/// <param name="QueuesProblem">Why the depths could not be read, if they could not.</param>
public sealed record HealthView(
    WebViewer Viewer,
    string Status,
    IReadOnlyList<(string Name, string Status, string? Description)> Checks,
    IReadOnlyList<HostInstance> Instances,
    DateTimeOffset Now,
    int Spooled,
    int Rejected,
    IReadOnlyList<(string Name, long Messages)>? Queues,
    string? QueuesProblem);
