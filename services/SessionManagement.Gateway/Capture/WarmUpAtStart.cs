using System.Text.Json;
using MassTransit;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionManagement.Bridge;
using SessionManagement.Contracts.Status;
using SessionManagement.Gateway.Routes;
using SessionManagement.Hosting.Bus;

namespace SessionManagement.Gateway.Capture;

/// <summary>
/// Once the bus runs, takes the two paths Claude Code waits on for no session: SessionStart's context
/// (<see cref="SessionContextLoader.WarmUpAsync"/>) and the status row's lookup. The first use of each request and query costs a
/// fresh host half a second; the first session a user starts after the host does must not pay it, nor lose context parts or its
/// status to their deadlines for it. Then it asks for a day's usage report, so that the first report a reader opens answers as fast
/// as the next. All of it only reads: nothing is stored, cached or counted.
/// </summary>
internal sealed class WarmUpAtStart(SessionContextLoader loader, SessionStatusLookup status, ReadApiClient reads, IOptions<JsonOptions> json,
    BusStarted busStarted, TimeProvider time, ILogger<WarmUpAtStart> logger) : BackgroundService
{
    /// <summary>How long the warm-up waits for an answer: a loader or status module in another process may be starting too.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await busStarted.WaitAsync(stoppingToken);
            var started = time.GetTimestamp();
            var session = "warm-up-" + Guid.NewGuid().ToString("N")[..12]; // no session has this id: nothing is found for it
            var statusRow = status.AddToAsync(StatusExtras.Unreachable, session, stoppingToken, Wait);
            if (await loader.WarmUpAsync(session, Wait, stoppingToken))
                logger.LogInformation("SessionStart path warmed up in {Milliseconds} ms", (int)time.GetElapsedTime(started).TotalMilliseconds);
            else
                logger.LogDebug("SessionStart path not warmed up: no loader answered");
            await statusRow;
            await WarmUpReportAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception error)
        {
            // A warm-up that fails costs the first SessionStart, status row or report its speed, nothing else.
            logger.LogWarning(error, "Warming up the hook paths at start failed");
        }
    }

    /// <summary>A day's usage report, asked of status and written as its route writes it.</summary>
    private async Task WarmUpReportAsync(CancellationToken stoppingToken)
    {
        try
        {
            var now = time.GetUtcNow();
            var report = await reads.AskAsync<GetReport, ReportReady>(new GetReport("usage", "day", "period", now.AddDays(-1), now), stoppingToken);
            JsonSerializer.SerializeToUtf8Bytes(report, json.Value.SerializerOptions);
        }
        catch (RequestTimeoutException)
        {
            logger.LogDebug("Report path not warmed up: no status module answered");
        }
    }
}
