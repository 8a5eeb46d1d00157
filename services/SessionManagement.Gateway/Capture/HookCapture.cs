using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using SessionManagement.Bridge;
using SessionManagement.Bridge.Privacy;
using SessionManagement.Contracts.Gateway;
using SessionManagement.Gateway.Accept;
using SessionManagement.Gateway.Journal;
using SessionManagement.Gateway.Registry;
using SessionManagement.Gateway.Spool;
using SessionManagement.Hosting.Instances;
using SessionManagement.Hosting.Security;

namespace SessionManagement.Gateway.Capture;

/// <summary>
/// The bridge's one path for every hook, live or replayed: validate, stamp the envelope, make
/// <see cref="HookEventCaptured"/> (the raw JSON verbatim) durable, and account for it. Bad input is
/// journaled with its raw bytes; a hook that cannot be made durable now goes to the spool.
/// </summary>
internal sealed class HookCapture(
    IHookAcceptor acceptor,
    IDeliveryJournal journal,
    DeliveryJournalWriter journalWriter,
    HookRegistryRecorder registry,
    ActiveSessions sessions,
    GatewaySpool spool,
    RejectedInputs rejected,
    GitBranchReader branches,
    SecretRedactor redactor,
    AtRest atRest,
    TimeProvider time,
    ILogger<HookCapture> logger)
{
    private static long _sequence;
    private readonly ConcurrentDictionary<Guid, byte> _inFlight = new();
    private readonly string _host = Environment.MachineName;
    private readonly string _user = Environment.UserName;

    public async Task<CaptureResult> CaptureAsync(CaptureRequest request, CancellationToken cancellationToken)
    {
        if (ContentCipher.KeyIdOf(request.Body) is not null)
        {
            // A spooled hook the gateway sealed, sent back by sm-hook's drain or read by the gateway's own.
            try
            {
                request = request with { Body = atRest.Open(request.Body, GatewayRecords.Spool) };
            }
            catch (System.Security.Cryptography.CryptographicException error)
            {
                var refused = request.EventId ?? Guid.CreateVersion7();
                await RejectAsync(request, refused, request.ReceivedAt ?? time.GetUtcNow(), "a sealed spool record that does not open: " + error.Message, cancellationToken);
                return new CaptureResult(CaptureOutcome.Rejected, refused, null, "a sealed spool record that does not open: " + error.Message);
            }
        }
        request = request with { Body = redactor.RedactHook(request.Body) }; // before it is kept anywhere, rejected or not
        var eventId = request.EventId ?? Guid.CreateVersion7();
        var receivedAt = request.ReceivedAt ?? time.GetUtcNow();
        var host = request.Host ?? _host;
        var user = request.User ?? _user;

        if (!HookInput.TryParse(request.Body, out var input, out var problem))
        {
            await RejectAsync(request, eventId, receivedAt, problem, cancellationToken);
            return new CaptureResult(CaptureOutcome.Rejected, eventId, null, problem);
        }

        if (!_inFlight.TryAdd(eventId, 0))
            return new CaptureResult(CaptureOutcome.InProgress, eventId, input, "this event is being delivered right now");
        try
        {
            if (request.Channel == CaptureChannel.Spool && await AlreadyDeliveredAsync(eventId, cancellationToken))
                return new CaptureResult(CaptureOutcome.Duplicate, eventId, input, null);

            var captured = Stamp(request, input, eventId, receivedAt, host, user);
            if (!await acceptor.TryAcceptAsync(captured, probe: request.Channel == CaptureChannel.Spool, cancellationToken))
            {
                var why = acceptor.Unavailable ?? "the hook could not be kept";
                return request.Channel == CaptureChannel.Spool
                    ? new CaptureResult(CaptureOutcome.Spooled, eventId, input, why + "; left in the spool")
                    : Spool(request, eventId, receivedAt, host, user, input, why);
            }

            var delivered = Delivered(request, captured, input);
            if (request.Channel == CaptureChannel.Spool)
                await journal.AppendAsync([delivered], cancellationToken); // before the spool file goes: replay stays exactly-once
            else
                journalWriter.Enqueue(delivered);
            return new CaptureResult(CaptureOutcome.Published, eventId, input, null);
        }
        finally
        {
            _inFlight.TryRemove(eventId, out _);
        }
    }

    /// <summary>
    /// Replays spooled hooks, in their order, made durable together (<see cref="IHookAcceptor.TryAcceptInOrderAsync"/>) and journaled
    /// in one write before the caller deletes their files. The results follow the requests; they stop short after one that another
    /// delivery is replaying right now (<see cref="CaptureOutcome.InProgress"/>): what follows it is left for that delivery.
    /// </summary>
    public async Task<IReadOnlyList<CaptureResult>> ReplayAsync(IReadOnlyList<CaptureRequest> requests, CancellationToken cancellationToken)
    {
        var results = new List<CaptureResult>(requests.Count);
        var kept = new List<(int Index, CaptureRequest Request, HookInput Input, HookEventCaptured Captured)>();
        try
        {
            foreach (var spooled in requests)
            {
                var request = spooled with { Body = redactor.RedactHook(spooled.Body) };
                var eventId = request.EventId ?? Guid.CreateVersion7();
                var receivedAt = request.ReceivedAt ?? time.GetUtcNow();
                if (!HookInput.TryParse(request.Body, out var input, out var problem))
                {
                    await RejectAsync(request, eventId, receivedAt, problem, cancellationToken);
                    results.Add(new CaptureResult(CaptureOutcome.Rejected, eventId, null, problem));
                    continue;
                }
                if (!_inFlight.TryAdd(eventId, 0))
                {
                    results.Add(new CaptureResult(CaptureOutcome.InProgress, eventId, input, "this event is being delivered right now"));
                    break;
                }
                if (await AlreadyDeliveredAsync(eventId, cancellationToken))
                {
                    _inFlight.TryRemove(eventId, out _);
                    results.Add(new CaptureResult(CaptureOutcome.Duplicate, eventId, input, null));
                    continue;
                }
                kept.Add((results.Count, request, input, Stamp(request, input, eventId, receivedAt, request.Host ?? _host, request.User ?? _user)));
                results.Add(null!); // filled in below
            }

            var durable = kept.Count == 0 ? [] : await acceptor.TryAcceptInOrderAsync(kept.Select(k => k.Captured).ToList(), cancellationToken);
            var delivered = new List<DeliveryRecord>(kept.Count);
            for (var i = 0; i < kept.Count; i++)
            {
                var (index, request, input, captured) = kept[i];
                if (durable[i])
                    delivered.Add(Delivered(request, captured, input));
                results[index] = durable[i]
                    ? new CaptureResult(CaptureOutcome.Published, captured.EventId, input, null)
                    : new CaptureResult(CaptureOutcome.Spooled, captured.EventId, input,
                        (acceptor.Unavailable ?? "the hook could not be kept") + "; left in the spool");
            }
            if (delivered.Count > 0)
                await journal.AppendAsync(delivered, cancellationToken); // before the spool files go: replay stays exactly-once
            return results;
        }
        finally
        {
            foreach (var k in kept)
                _inFlight.TryRemove(k.Captured.EventId, out _);
        }
    }

    private HookEventCaptured Stamp(CaptureRequest request, HookInput input, Guid eventId, DateTimeOffset receivedAt, string host, string user) =>
        ConversationHookCaptured.Classify(new HookEventCaptured(
            eventId, input.SessionId, input.HookEventName, receivedAt, Interlocked.Increment(ref _sequence),
            host, user, input.Cwd, input.TranscriptPath, System.Text.Encoding.UTF8.GetString(request.Body), branches.Read(input.Cwd)));

    /// <summary>Notes a durable hook in the registry and the active sessions; the record for the journal.</summary>
    private DeliveryRecord Delivered(CaptureRequest request, HookEventCaptured captured, HookInput input)
    {
        registry.Record(captured.Host, request.ProjectDir ?? input.Cwd ?? "", input.HookEventName,
            request.BridgeVersion ?? CaptureChannel.Http + "/" + CurrentHostInstance.Version, captured.ReceivedAt);
        sessions.Seen(input.SessionId, input.HookEventName, input.TranscriptPath, captured.Host, captured.User, captured.ReceivedAt);
        return new DeliveryRecord(captured.EventId, captured.ReceivedAt, input.SessionId, input.HookEventName,
            DeliveryStatus.Published, request.Channel, request.Body.Length, null, null, null);
    }

    /// <summary>
    /// Journals bad input with its raw bytes (their head, past <see cref="RejectedInputs.KeepBytes"/>, with the length and SHA-256 of
    /// the whole), synchronously: the record of it is never dropped.
    /// </summary>
    public Task RejectAsync(CaptureRequest request, Guid eventId, DateTimeOffset receivedAt, string problem, CancellationToken cancellationToken)
    {
        var (head, sha256) = rejected.Cut(request.Body);
        return JournalRejectionAsync(request, eventId, receivedAt, problem, request.Body.Length, head, null, sha256, cancellationToken);
    }

    /// <summary>Journals an input over the size limit: its length and SHA-256, and where its head was kept (if it was).</summary>
    public Task RejectOversizedAsync(CaptureRequest request, Guid eventId, DateTimeOffset receivedAt, string problem, long length, string sha256,
        string? headPath, CancellationToken cancellationToken) =>
        JournalRejectionAsync(request, eventId, receivedAt, problem, length, null, headPath, sha256, cancellationToken);

    private async Task JournalRejectionAsync(CaptureRequest request, Guid eventId, DateTimeOffset receivedAt, string problem, long length,
        byte[]? raw, string? rawPath, string? sha256, CancellationToken cancellationToken)
    {
        logger.LogWarning("Rejected hook input {EventId} from {Channel} ({Bytes} bytes): {Problem}; kept in the journal",
            eventId, request.Channel, length, problem);
        // Its session and event as far as they can be read (the input may not parse): a session deleted for good takes what was kept of it along.
        var session = HookFields.StringIn(request.Body, "\"session_id\""u8, HookInput.MaxSessionIdLength) is { } id && HookInput.IsValidSessionId(id) ? id : "";
        var eventName = HookFields.StringIn(request.Body, "\"hook_event_name\""u8, 64) ?? "";
        await journal.AppendAsync([new DeliveryRecord(eventId, receivedAt, session, eventName, DeliveryStatus.Rejected, request.Channel,
            length, problem, raw is null ? null : atRest.Seal(raw, GatewayRecords.RejectedInput), rawPath, sha256)], cancellationToken);
    }

    private async Task<bool> AlreadyDeliveredAsync(Guid eventId, CancellationToken cancellationToken) =>
        journalWriter.IsPending(eventId) || await journal.ContainsAsync(eventId, cancellationToken);

    private CaptureResult Spool(CaptureRequest request, Guid eventId, DateTimeOffset receivedAt, string host, string user, HookInput input, string why)
    {
        try
        {
            spool.Directory.Append(new SpoolRecord(eventId, receivedAt, host, user, request.ProjectDir,
                request.BridgeVersion ?? CaptureChannel.Http, why, atRest.Seal(request.Body, GatewayRecords.Spool)));
            sessions.Seen(input.SessionId, input.HookEventName, input.TranscriptPath, host, user, receivedAt);
            return new CaptureResult(CaptureOutcome.Spooled, eventId, input, why + "; spooled");
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            logger.LogError("Hook {EventId} could be neither kept ({Why}) nor spooled ({Problem})", eventId, why, error.Message);
            return new CaptureResult(CaptureOutcome.Failed, eventId, input, why + ", and the spool is not writable: " + error.Message);
        }
    }
}
