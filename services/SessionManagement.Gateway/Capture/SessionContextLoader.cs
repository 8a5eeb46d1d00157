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

    /// <summary>The project a warm-up (<see cref="WarmUpAtStart"/>) names: no session ever runs in it, so nothing is found and nothing is kept.</summary>
    public const string WarmUpProject = "/nonexistent/session-management-warm-up";

    /// <summary>
    /// Takes the SessionStart path once, for no session (<see cref="LoadSession.WarmUp"/>): the first use of each of its requests and
    /// queries costs half a second on a fresh host, and a user's first SessionStart must not be the one to pay it, nor lose context
    /// parts to the deadline for it. Returns false when no loader answered in <paramref name="wait"/> (none runs, or none is reachable).
    /// </summary>
    public async Task<bool> WarmUpAsync(string sessionId, TimeSpan wait, CancellationToken cancellationToken)
    {
        if (!_loaderReachable)
            return false;
        try
        {
            await AskAsync(new LoadSession(Guid.CreateVersion7(), sessionId, "startup", WarmUpProject, MaxCharacters, time.GetUtcNow() + wait, WarmUp: true),
                wait, cancellationToken);
            return true;
        }
        catch (RequestTimeoutException)
        {
            return false;
        }
    }

    public async Task<string> LoadAsync(HookInput input, string? user, CancellationToken cancellationToken)
    {
        if (!_loaderReachable)
            return "";
        var deadline = TimeSpan.FromMilliseconds(performance.Value.LoadDeadlineMs);
        var request = new LoadSession(Guid.CreateVersion7(), input.SessionId, input.Source ?? "", input.Cwd, MaxCharacters, time.GetUtcNow() + deadline, user);
        try
        {
            var loaded = await AskAsync(request, deadline, cancellationToken);
            var context = loaded.AdditionalContext;
            if (loaded.MissingParts.Count > 0)
                logger.LogInformation("SessionStart context for {SessionId} left out {Missing}", input.SessionId, string.Join(", ", loaded.MissingParts));
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

    private async Task<SessionLoaded> AskAsync(LoadSession request, TimeSpan wait, CancellationToken cancellationToken)
    {
        using var scope = services.CreateScope();
        var client = scope.ServiceProvider.GetRequiredService<IRequestClient<LoadSession>>();
        return (await client.GetResponse<SessionLoaded>(request, cancellationToken, RequestTimeout.After(ms: (int)wait.TotalMilliseconds))).Message;
    }
}
