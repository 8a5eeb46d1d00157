using SessionManagement.Contracts.Gateway;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionManagement.Gateway.Capture;
using SessionManagement.Gateway.Options;

namespace SessionManagement.Gateway.Transcripts;

/// <summary>
/// Ships transcripts when a hook says a turn or the session is done (Stop, SubagentStop, PreCompact,
/// SessionEnd) and, for sessions still active, on a timer — off the hook's path either way. A session's subagent
/// transcripts (<c>&lt;session&gt;/subagents/agent-*.jsonl</c> beside its own) go with it, and its tool outputs kept in files
/// (<see cref="ToolResultFiles"/>).
/// </summary>
internal sealed class TranscriptPoller(
    TranscriptShipper shipper,
    ToolResultFiles toolResults,
    ActiveSessions sessions,
    IOptions<GatewayOptions> options,
    TimeProvider time,
    ILogger<TranscriptPoller> logger) : BackgroundService
{
    private static readonly HashSet<string> ShippingEvents = new(StringComparer.Ordinal) { "Stop", "SubagentStop", "PreCompact", "SessionEnd" };
    private CancellationToken _stopping = CancellationToken.None;

    /// <summary>Starts shipping after a hook, if it is one that closes a turn or the session; returns at once.</summary>
    public void AfterHook(HookInput input)
    {
        if (!ShippingEvents.Contains(input.HookEventName))
            return;
        var session = sessions.Find(input.SessionId);
        _ = Task.Run(() => ShipQuietlyAsync(input.SessionId, input.TranscriptPath ?? session?.TranscriptPath, session), _stopping);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.TranscriptPollSeconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var now = time.GetUtcNow();
                foreach (var session in sessions.Active(now.AddMinutes(-options.Value.ActiveSessionMinutes), now))
                    await ShipQuietlyAsync(session.SessionId, session.TranscriptPath, session);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>The subagent transcripts Claude Code keeps beside the session's own: <c>&lt;folder&gt;/&lt;session&gt;/subagents/agent-*.jsonl</c>.</summary>
    private static IEnumerable<string> SubagentTranscripts(string sessionId, string path)
    {
        var folder = Path.Combine(Path.GetDirectoryName(path) ?? ".", sessionId, TranscriptFiles.SubagentsFolder);
        try
        {
            return Directory.Exists(folder) ? Directory.GetFiles(folder, "agent-*.jsonl").Order(StringComparer.Ordinal).ToList() : [];
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private async Task ShipQuietlyAsync(string sessionId, string? path, ActiveSession? session)
    {
        if (path is null)
            return;
        try
        {
            var (host, user) = (session?.Host ?? Environment.MachineName, session?.User ?? Environment.UserName);
            var result = await shipper.ShipAsync(sessionId, path, host, user, _stopping);
            if (result.Lines > 0)
                logger.LogDebug("Shipped {Lines} transcript lines of session {SessionId} in {Batches} batches", result.Lines, sessionId, result.Batches);
            foreach (var subagent in SubagentTranscripts(sessionId, path))
            {
                var shipped = await shipper.ShipAsync(sessionId, subagent, host, user, _stopping);
                if (shipped.Lines > 0)
                    logger.LogDebug("Shipped {Lines} lines of subagent transcript {Path} of session {SessionId}", shipped.Lines, subagent, sessionId);
            }
            if (result.Outcome is ShipOutcome.UpToDate)
                await toolResults.ShipFolderAsync(sessionId, path, host, user, _stopping);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            logger.LogWarning(error, "Shipping the transcript of session {SessionId} failed; the next hook or poll retries", sessionId);
        }
    }
}
