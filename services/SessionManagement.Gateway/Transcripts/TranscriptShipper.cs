using System.Collections.Concurrent;
using System.Security.Cryptography;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionManagement.Bridge;
using SessionManagement.Bridge.Privacy;
using SessionManagement.Contracts.Gateway;
using SessionManagement.Gateway.Options;

namespace SessionManagement.Gateway.Transcripts;

/// <summary>
/// Ships a session's transcript from its last acknowledged offset as raw <see cref="TranscriptLinesCaptured"/>
/// batches. The cursor moves only after a batch is published, so a crash re-ships at most one batch
/// (whose <c>BatchId</c> is derived from its bytes' position, so the re-shipment is recognisable).
/// A file that shrank or whose first bytes changed was truncated or replaced: it is shipped again from the start. A file of a session
/// deleted for good, met without a cursor (the session resumed in Claude Code), is shipped from its first line written since the
/// deletion: the lines before are what was deleted.
/// </summary>
internal sealed class TranscriptShipper(
    IBus bus,
    ITranscriptCursorStore cursors,
    TranscriptPathPolicy policy,
    TranscriptAlignment alignment,
    IOptions<GatewayOptions> options,
    SecretRedactor redactor,
    TimeProvider time,
    ILogger<TranscriptShipper> logger)
{
    private const int FingerprintBytes = 1024;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    public async Task<ShipResult> ShipAsync(string sessionId, string? transcriptPath, string host, string user, CancellationToken cancellationToken)
    {
        if (!policy.TryResolve(transcriptPath, out var path, out var problem))
        {
            if (problem.StartsWith("transcript file does not exist", StringComparison.Ordinal))
            {
                logger.LogDebug("Transcript of session {SessionId} not there yet: {Path}", sessionId, transcriptPath);
                return new ShipResult(ShipOutcome.Missing, 0, 0, 0, problem);
            }
            logger.LogWarning("Refused to read the transcript of session {SessionId}: {Problem}", sessionId, problem);
            return new ShipResult(ShipOutcome.Refused, 0, 0, 0, problem);
        }

        var gate = _locks.GetOrAdd(sessionId + "\n" + path, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            return await ShipFromCursorAsync(sessionId, path, host, user, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Sets the cursor of (session, path) at <paramref name="offset"/>: the file's bytes before it were taken in another way (imported
    /// whole, or after the held lines it began with, its offsets shifted by <paramref name="shift"/>), so shipping goes on from there.
    /// </summary>
    public async Task MarkShippedAsync(string sessionId, string path, long offset, CancellationToken cancellationToken, long shift = 0)
    {
        var gate = _locks.GetOrAdd(sessionId + "\n" + path, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
            if (await cursors.GetAsync(sessionId, path, cancellationToken) is { } cursor && cursor.Offset >= offset)
                return; // the poller shipped as far meanwhile
            await cursors.SaveAsync(new TranscriptCursor(sessionId, path, offset, await FingerprintAsync(file, offset, cancellationToken), time.GetUtcNow()) { Shift = shift },
                cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Takes <paramref name="path"/> as a file <c>smctl restore</c> wrote: its first <paramref name="bytes"/> are the <paramref name="heldBytes"/>
    /// the store gave back, with their paths rewritten when it was re-homed (<c>--to-project</c>), so their lines lie at other offsets.
    /// Shipping goes on after them, each line Claude Code adds placed after the held ones (<see cref="TranscriptCursor.Shift"/>): resuming the
    /// session there stores its new lines once, in order, and never its old ones again. The cursor set, or the reason none is when the
    /// file is not there or is shorter than that.
    /// </summary>
    public async Task<(TranscriptCursor? Cursor, string? Problem)> PlaceAsync(string sessionId, string transcriptPath, long bytes, long heldBytes,
        CancellationToken cancellationToken)
    {
        if (!policy.TryResolve(transcriptPath, out var path, out var problem))
            return (null, problem);
        var gate = _locks.GetOrAdd(sessionId + "\n" + path, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
            if (file.Length < bytes)
                return (null, $"{path} holds {file.Length} bytes, fewer than the {bytes} restored");
            var cursor = new TranscriptCursor(sessionId, path, bytes, await FingerprintAsync(file, bytes, cancellationToken), time.GetUtcNow()) { Shift = heldBytes - bytes };
            await cursors.SaveAsync(cursor, cancellationToken);
            logger.LogInformation("Transcript {Path} of session {SessionId} restored: {Bytes} bytes held as {HeldBytes}, shipping goes on after them",
                path, sessionId, bytes, heldBytes);
            return (cursor, null);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<ShipResult> ShipFromCursorAsync(string sessionId, string path, string host, string user, CancellationToken cancellationToken)
    {
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
        }
        catch (FileNotFoundException)
        {
            return new ShipResult(ShipOutcome.Missing, 0, 0, 0, "transcript file disappeared");
        }
        await using var _ = file;

        var cursor = await cursors.GetAsync(sessionId, path, cancellationToken);
        var offset = cursor?.Offset ?? 0;
        var shift = cursor?.Shift ?? 0;
        if (offset > file.Length)
        {
            logger.LogInformation("Transcript {Path} shrank below the shipped offset {Offset}: truncated, shipping it again from the start", path, offset);
            (offset, shift) = (0, 0);
        }
        else if (cursor is not null && offset > 0 && await FingerprintAsync(file, offset, cancellationToken) != cursor.Fingerprint)
        {
            logger.LogInformation("Transcript {Path} was replaced: shipping the new file from the start", path);
            (offset, shift) = (0, 0);
        }

        var subagentFile = TranscriptFiles.RelativeName(sessionId, path);
        if (offset == 0 && file.Length > 0 && await cursors.DeletedAsync(sessionId, cancellationToken) is { } deleted)
        {
            offset = await FirstLineSinceAsync(file, deleted.DeletedAt, cancellationToken);
            logger.LogInformation("Transcript {Path} of session {SessionId}, deleted for good on {DeletedAt}, is shipped from byte {Offset}: its lines before were deleted",
                path, sessionId, deleted.DeletedAt, offset);
        }
        else if (offset == 0 && file.Length > 0)
        {
            // Read from its start: what the store holds of the session already (lost cursors, a copy in another folder) is passed over.
            file.Seek(0, SeekOrigin.Begin);
            if (await alignment.AlignAsync(file, sessionId, subagentFile, cancellationToken) is { TakenOn: true } aligned)
                (offset, shift) = (aligned.FileOffset, aligned.Shift);
        }
        int lines = 0, batches = 0;
        var fingerprint = offset > 0 ? cursor?.Fingerprint : null;
        await foreach (var read in TranscriptReader.ReadAsync(file, offset, options.Value.TranscriptBatchBytes, options.Value.TranscriptBatchLines, cancellationToken))
        {
            var batch = read.RedactedBy(redactor);
            var message = batch.ShiftedBy(shift).Capture(sessionId, path, time.GetUtcNow(), host, user, subagentFile);
            try
            {
                await bus.Publish(message, cancellationToken);
            }
            catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning(error, "Shipping transcript lines of session {SessionId} stopped at offset {Offset}; will resume there", sessionId, batch.StartOffset);
                return new ShipResult(ShipOutcome.Interrupted, lines, batches, batch.StartOffset, error.Message);
            }
            lines += batch.LineCount;
            batches++;
            // Once a full fingerprint's worth is shipped the fingerprint is fixed: no need to read it again per batch.
            if (fingerprint is null || offset < FingerprintBytes)
                fingerprint = await FingerprintAsync(file, batch.EndOffset, cancellationToken);
            offset = batch.EndOffset;
            await cursors.SaveAsync(new TranscriptCursor(sessionId, path, offset, fingerprint, time.GetUtcNow()) { Shift = shift }, cancellationToken);
        }
        if (cursor is null && batches == 0)
            await cursors.SaveAsync(new TranscriptCursor(sessionId, path, offset, await FingerprintAsync(file, offset, cancellationToken), time.GetUtcNow()) { Shift = shift },
                cancellationToken);
        return new ShipResult(ShipOutcome.UpToDate, lines, batches, offset, null);
    }

    /// <summary>
    /// The cursor of a file <c>smctl restore</c> re-homed (<see cref="PlaceAsync"/>), for an upload of it (<c>smctl import</c>) to go on
    /// from where this gateway ships it; null for any other file, or a path this gateway cannot read.
    /// </summary>
    public async Task<TranscriptCursor?> RestoredAsync(string sessionId, string transcriptPath, CancellationToken cancellationToken) =>
        policy.TryResolve(transcriptPath, out var path, out _) && await cursors.GetAsync(sessionId, path, cancellationToken) is { Shift: not 0 } cursor
            ? cursor
            : null;

    /// <summary>
    /// Where the file's first line stamped <paramref name="since"/> or later begins (its record's own <c>timestamp</c>); past its last
    /// complete line when none is. Claude Code only appends, so every line after it is newer too.
    /// </summary>
    private static async Task<long> FirstLineSinceAsync(FileStream file, DateTimeOffset since, CancellationToken cancellationToken)
    {
        long end = 0;
        await foreach (var batch in TranscriptReader.ReadAsync(file, 0, 1 << 20, 1_000, cancellationToken))
        {
            var offset = batch.StartOffset;
            var lines = batch.Content;
            while (!lines.IsEmpty)
            {
                var length = lines.Span.IndexOf((byte)'\n');
                if (TranscriptRecords.Timestamp(lines.Span[..length]) is { } stamped && stamped >= since)
                    return offset;
                (offset, lines) = (offset + length + 1, lines[(length + 1)..]);
            }
            end = batch.EndOffset;
        }
        return end;
    }

    /// <summary>How many of a file's first bytes its fingerprint covers, once that many are shipped.</summary>
    public static int FingerprintLength(long shippedUpTo) => (int)Math.Min(shippedUpTo, FingerprintBytes);

    /// <summary>The fingerprint of a file's first bytes (<see cref="FingerprintLength"/> of them).</summary>
    public static string Fingerprint(ReadOnlySpan<byte> firstBytes) => Convert.ToHexString(SHA256.HashData(firstBytes));

    /// <summary>A hash of the first bytes already shipped: they never change unless the file was replaced.</summary>
    private static async Task<string> FingerprintAsync(FileStream file, long shippedUpTo, CancellationToken cancellationToken)
    {
        var bytes = new byte[FingerprintLength(shippedUpTo)];
        var position = file.Position;
        file.Seek(0, SeekOrigin.Begin);
        await file.ReadExactlyAsync(bytes, cancellationToken);
        file.Seek(position, SeekOrigin.Begin);
        return Fingerprint(bytes);
    }
}
