using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionManagement.Contracts.Loader;
using SessionManagement.Hosting.Instances;
using SessionManagement.Hosting.Options;

namespace SessionManagement.Gateway.Capture;

/// <summary>
/// Asks the loader for the SessionStart context within the deadline, and fails open: on timeout, on
/// error, or when no loader can answer, the hook gets no context and Claude Code carries on.
/// </summary>
internal sealed class SessionContextLoader(
    IServiceProvider services,
    IOptions<PerformanceOptions> performance,
    IOptions<BusOptions> bus,
    CurrentHostInstance host,
    TimeProvider time,
    ILogger<SessionContextLoader> logger)
{
    public const int MaxCharacters = 10_000;

    // In one process on the in-memory bus nothing but a local loader can answer; over RabbitMQ a loader may run elsewhere.
    private readonly bool _loaderReachable =
        bus.Value.Transport == BusTransport.RabbitMq || host.Targets.Contains("loader", StringComparer.OrdinalIgnoreCase);

    public async Task<string> LoadAsync(HookInput input, string? user, CancellationToken cancellationToken)
    {
        if (!_loaderReachable)
            return "";
        var deadline = TimeSpan.FromMilliseconds(performance.Value.LoadDeadlineMs);
        var request = new LoadSession(Guid.CreateVersion7(), input.SessionId, input.Source ?? "", input.Cwd, MaxCharacters, time.GetUtcNow() + deadline, user);
        try
        {
            using var scope = services.CreateScope();
            var client = scope.ServiceProvider.GetRequiredService<IRequestClient<LoadSession>>();
            var response = await client.GetResponse<SessionLoaded>(request, cancellationToken, RequestTimeout.After(ms: (int)deadline.TotalMilliseconds));
            var context = response.Message.AdditionalContext;
            if (response.Message.MissingParts.Count > 0)
                logger.LogInformation("SessionStart context for {SessionId} left out {Missing}", input.SessionId, string.Join(", ", response.Message.MissingParts));
            return context.Length <= MaxCharacters ? context : context[..MaxCharacters];
        }
        catch (RequestTimeoutException)
        {
            logger.LogWarning("No SessionStart context for {SessionId} within {Deadline} ms; answering without it", input.SessionId, deadline.TotalMilliseconds);
            return "";
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            logger.LogWarning(error, "Loading SessionStart context for {SessionId} failed; answering without it", input.SessionId);
            return "";
        }
    }
}
