using System.Text.Json;
using MassTransit;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionManagement.Bridge.Privacy;
using SessionManagement.Contracts.Chat;
using SessionManagement.Contracts.Gateway;
using SessionManagement.Gateway.Capture;
using SessionManagement.Gateway.Options;
using SessionManagement.Hosting.Options;

namespace SessionManagement.Gateway.Transcripts;

/// <summary>
/// Imports a Claude Code transcript file through the live ingestion path: the same reader cuts it into the same
/// <see cref="TranscriptLinesCaptured"/> batches. Each batch is sent as a request, a few at a time, so the
/// import goes only as fast as the chat module stores and memory stays bounded whatever the file's size.
/// An upload that names its session and its length is cut into batches as it arrives; any other is spooled to a file
/// first, to be read twice (for its session id, then for its lines). On the in-memory bus a batch's content is handed to the
/// chat module through <see cref="InProcessContent"/>, held until its answer comes, instead of being serialized into the message.
/// </summary>
internal sealed class TranscriptImporter(
    IServiceProvider services,
    IOptions<GatewayOptions> options,
    IOptions<StorageOptions> storage,
    IOptions<BusOptions> bus,
    SecretRedactor redactor,
    TimeProvider time,
    ILogger<TranscriptImporter> logger)
{
    public string ImportDirectory { get; } = Path.Combine(storage.Value.DataDirectory, "imports");

    /// <summary>
    /// Imports <paramref name="body"/>. Streamed (a session and a length given), an upload cut short leaves the batches already
    /// stored; importing the file again completes it, storing nothing twice. <paramref name="file"/> imports it as one of the
    /// session's subagent transcripts (<c>subagents/agent-&lt;id&gt;.jsonl</c>) instead of the session's own. <paramref name="path"/>
    /// names where the uploaded file lies: a file <c>smctl restore</c> re-homed there is taken on from where this gateway ships it
    /// (<see cref="AfterRestoredAsync"/>). A session deleted for good is refused (<see cref="DeletedSessionException"/>, the upload read to
    /// its end) unless <paramref name="undelete"/>, which lifts its deletion.
    /// </summary>
    public async Task<ImportResult> ImportAsync(Stream body, long? length, string? sessionId, string name, string host, string user,
        CancellationToken cancellationToken, string? file = null, string? parentSessionId = null, string? path = null, bool undelete = false)
    {
        if (parentSessionId is not null && !HookInput.IsValidSessionId(parentSessionId))
            throw new ImportRejectedException($"invalid parent session id '{parentSessionId}'");
        if (sessionId is not null && !HookInput.IsValidSessionId(sessionId))
            throw new ImportRejectedException($"invalid session id '{sessionId}'");
        if (file is not null && !TranscriptFiles.IsSubagentFile(file))
            throw new ImportRejectedException($"invalid file '{file}': a session's subagent transcript is named subagents/agent-<id>.jsonl");
        if (sessionId is not null && length is not null)
        {
            var undeleted = await RefuseDeletedAsync(sessionId, undelete, body, cancellationToken);
            try
            {
                var (lines, offset, shift, held) = await TakeOnAsync(body, sessionId, file, path, cancellationToken);
                return Imported(await SendAsync(new CompletedLines(lines), offset, shift, held, sessionId, name, file, parentSessionId, host, user, cancellationToken))
                    with { Undeleted = undeleted };
            }
            catch (Exception error) when (EndedEarly(error))
            {
                throw new ImportRejectedException(
                    $"the upload ended early ({error.Message}); the lines received before were stored: import the file again to complete it, nothing is stored twice");
            }
        }
        Directory.CreateDirectory(ImportDirectory);
        var spooled = Path.Combine(ImportDirectory, $"{Guid.CreateVersion7():N}.jsonl");
        try
        {
            await using var upload = new FileStream(spooled, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16,
                FileOptions.DeleteOnClose | FileOptions.Asynchronous);
            try
            {
                await body.CopyToAsync(upload, 1 << 20, cancellationToken);
            }
            catch (Exception error) when (EndedEarly(error))
            {
                throw new ImportRejectedException($"the upload ended early ({error.Message}); nothing was imported");
            }
            await upload.FlushAsync(cancellationToken);

            upload.Seek(0, SeekOrigin.Begin);
            sessionId ??= await FindSessionIdAsync(new CompletedLines(upload), cancellationToken)
                ?? throw new ImportRejectedException("no session id: give ?session=<id>, or import a transcript whose records carry sessionId");
            if (!HookInput.IsValidSessionId(sessionId))
                throw new ImportRejectedException($"invalid sessionId '{sessionId}' in the transcript");
            var undeleted = await RefuseDeletedAsync(sessionId, undelete, Stream.Null, cancellationToken);
            upload.Seek(0, SeekOrigin.Begin);
            var (lines, offset, shift, held) = await TakeOnAsync(upload, sessionId, file, path, cancellationToken);
            return Imported(await SendAsync(new CompletedLines(lines), offset, shift, held, sessionId, name, file, parentSessionId, host, user, cancellationToken))
                with { Undeleted = undeleted };
        }
        finally
        {
            File.Delete(spooled); // DeleteOnClose already did, unless the file was never opened
        }
    }

    /// <summary>
    /// Refuses a session deleted for good, having read what is left of <paramref name="body"/> so that the client hears the answer; with
    /// <paramref name="undelete"/>, lifts the deletion instead. Whether it did.
    /// </summary>
    private async Task<bool> RefuseDeletedAsync(string sessionId, bool undelete, Stream body, CancellationToken cancellationToken)
    {
        var cursors = services.GetRequiredService<ITranscriptCursorStore>();
        if (await cursors.DeletedAsync(sessionId, cancellationToken) is not { } deleted)
            return false;
        if (undelete)
        {
            await cursors.UndeleteAsync(sessionId, cancellationToken);
            logger.LogWarning("Session {SessionId}, deleted for good on {DeletedAt} by {By}, is imported again (undelete)", sessionId, deleted.DeletedAt, deleted.By);
            return true;
        }
        await body.CopyToAsync(Stream.Null, cancellationToken);
        throw new DeletedSessionException(deleted);
    }

    /// <summary>
    /// Where the upload's lines go in the store: after what was shipped of a file <c>smctl restore</c> placed at <paramref name="path"/>,
    /// else after the held lines it begins with (<see cref="TranscriptAlignment"/>: the same file imported again, or a copy of the
    /// session kept in another project's folder), else from its start. The lines left to read, the store offset of the first,
    /// what is added to the file's offsets, and how many lines were passed over as held.
    /// </summary>
    private async Task<(Stream Lines, long Offset, long Shift, long Held)> TakeOnAsync(Stream body, string sessionId, string? file, string? path,
        CancellationToken cancellationToken)
    {
        if (path is not null && await services.GetRequiredService<TranscriptShipper>().RestoredAsync(sessionId, path, cancellationToken) is { } cursor)
        {
            var (lines, offset, shift) = await AfterRestoredAsync(body, sessionId, path, cursor, cancellationToken);
            return (lines, offset, shift, 0);
        }
        var aligned = await services.GetRequiredService<TranscriptAlignment>().AlignAsync(body, sessionId, file, cancellationToken);
        return (new PrefixedStream(aligned.ReadAhead, body), aligned.FileOffset + aligned.Shift, aligned.Shift, aligned.Lines);
    }

    /// <summary>
    /// An upload of a file <c>smctl restore</c> re-homed at <paramref name="path"/> (<see cref="TranscriptShipper.PlaceAsync"/>): its
    /// first bytes are the held lines with their paths rewritten, at other offsets than the store's, and so are passed over with what
    /// this gateway shipped after them; the rest is read at the store's offsets. The file replaced since is read whole, from offset 0.
    /// </summary>
    private async Task<(Stream Lines, long Offset, long Shift)> AfterRestoredAsync(Stream body, string sessionId, string path, TranscriptCursor cursor,
        CancellationToken cancellationToken)
    {
        var head = new byte[TranscriptShipper.FingerprintLength(cursor.Offset)];
        var read = await body.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken);
        if (read < head.Length || TranscriptShipper.Fingerprint(head) != cursor.Fingerprint)
            return (new PrefixedStream(head.AsMemory(0, read), body), 0, 0);
        var buffer = new byte[1 << 16];
        for (var left = cursor.Offset - read; left > 0;)
        {
            var skipped = await body.ReadAsync(buffer.AsMemory(0, (int)Math.Min(left, buffer.Length)), cancellationToken);
            if (skipped == 0)
                break; // shorter than what was shipped of it: nothing is left to take
            left -= skipped;
        }
        logger.LogInformation("Upload of {Path} (session {SessionId}) taken on after the {Offset} bytes shipped of the restored file", path, sessionId, cursor.Offset);
        return (body, cursor.Offset + cursor.Shift, cursor.Shift);
    }

    /// <summary>The upload stopped before its end (a refused size is answered as such, not as this).</summary>
    private static bool EndedEarly(Exception error) =>
        error is BadHttpRequestException { StatusCode: not StatusCodes.Status413PayloadTooLarge } or ConnectionResetException;

    private ImportResult Imported(ImportResult result)
    {
        logger.LogInformation("Imported transcript {Name} into session {SessionId}: {Lines} lines, {Added} records stored, {Merged} joined, {Invalid} kept raw",
            result.Name, result.SessionId, result.Lines, result.Added, result.Merged, result.InvalidLines);
        return result;
    }

    private async Task<ImportResult> SendAsync(Stream transcript, long offset, long shift, long held, string sessionId, string name, string? file, string? parentSessionId,
        string host, string user, CancellationToken cancellationToken)
    {
        using var scope = services.CreateScope();
        var client = scope.ServiceProvider.GetRequiredService<IRequestClient<TranscriptLinesCaptured>>();
        var timeout = RequestTimeout.After(ms: options.Value.QueryTimeoutMs);
        var source = "import:" + name;
        var inProcess = bus.Value.Transport == BusTransport.InMemory;
        var inFlight = new Queue<(Task<Response<TranscriptLinesStored>> Stored, InProcessContent.Hold? Content)>();
        int lines = 0, batches = 0, added = 0, merged = 0, invalid = 0;
        var bytes = offset;

        async Task CollectOldestAsync()
        {
            var (response, content) = inFlight.Dequeue();
            using (content)
            {
                var stored = (await response).Message;
                (added, merged, invalid) = (added + stored.Added, merged + stored.Merged, invalid + stored.InvalidLines);
            }
        }

        try
        {
            await foreach (var read in TranscriptReader.ReadAsync(transcript, offset, options.Value.TranscriptBatchBytes, options.Value.TranscriptBatchLines, cancellationToken))
            {
                var batch = read.RedactedBy(redactor);
                if (inFlight.Count >= options.Value.ImportBatchesInFlight)
                    await CollectOldestAsync();
                TranscriptLinesCaptured message;
                InProcessContent.Hold? content = null;
                if (inProcess)
                    (message, content) = batch.HandOver(sessionId, source, time.GetUtcNow(), host, user, file);
                else
                    message = batch.Capture(sessionId, source, time.GetUtcNow(), host, user, file);
                inFlight.Enqueue((client.GetResponse<TranscriptLinesStored>(message, cancellationToken, timeout), content));
                (lines, batches, bytes) = (lines + batch.LineCount, batches + 1, batch.EndOffset);
            }
            while (inFlight.Count > 0)
                await CollectOldestAsync();
        }
        finally
        {
            foreach (var (_, content) in inFlight)
                content?.Dispose();
        }
        try
        {
            // Every line is stored: the modules that keep sessions learn from chat what the file says of its session.
            await scope.ServiceProvider.GetRequiredService<IPublishEndpoint>().Publish(new SummarizeTranscript(sessionId, parentSessionId, user), cancellationToken);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            logger.LogWarning("Imported session {SessionId} could not be announced ({Problem}); its lines are stored, and importing again announces it",
                sessionId, error.Message);
        }
        return new ImportResult(sessionId, name, bytes, (int)held + lines, batches, added, merged, invalid, file, shift);
    }

    /// <summary>The first <c>sessionId</c> any record carries; lines that are not JSON are passed over here (the import keeps them raw).</summary>
    private static async Task<string?> FindSessionIdAsync(Stream file, CancellationToken cancellationToken)
    {
        await foreach (var batch in TranscriptReader.ReadAsync(file, 0, 1 << 20, 1_000, cancellationToken))
        {
            foreach (var line in batch.Lines)
            {
                try
                {
                    using var document = JsonDocument.Parse(line);
                    if (document.RootElement.ValueKind == JsonValueKind.Object
                        && document.RootElement.TryGetProperty("sessionId", out var id) && id.ValueKind == JsonValueKind.String)
                        return id.GetString();
                }
                catch (JsonException)
                {
                }
            }
        }
        return null;
    }

    /// <summary>A stream read once, from its start to its end.</summary>
    private abstract class ForwardOnly : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>Bytes already read from a stream, then the rest of it.</summary>
    private sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream rest) : ForwardOnly
    {
        private ReadOnlyMemory<byte> _prefix = prefix;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_prefix.IsEmpty)
                return await rest.ReadAsync(buffer, cancellationToken);
            var count = Math.Min(buffer.Length, _prefix.Length);
            _prefix[..count].CopyTo(buffer);
            _prefix = _prefix[count..];
            return count;
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
    }

    /// <summary>An upload read as a finished file, from where it stands: a last line without its newline is given one, so it is imported too.</summary>
    private sealed class CompletedLines(Stream inner) : ForwardOnly
    {
        private bool _any, _endsWithNewline = true, _completed;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            buffer.IsEmpty || _completed ? 0 : Complete(await inner.ReadAsync(buffer, cancellationToken), buffer.Span);

        public override int Read(byte[] buffer, int offset, int count) =>
            count == 0 || _completed ? 0 : Complete(inner.Read(buffer, offset, count), buffer.AsSpan(offset, count));

        private int Complete(int read, Span<byte> buffer)
        {
            if (read > 0)
            {
                (_any, _endsWithNewline) = (true, buffer[read - 1] == (byte)'\n');
                return read;
            }
            _completed = true;
            if (!_any || _endsWithNewline)
                return 0;
            buffer[0] = (byte)'\n';
            return 1;
        }
    }
}
