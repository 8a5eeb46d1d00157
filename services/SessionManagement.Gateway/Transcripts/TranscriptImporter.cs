using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
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
/// The body is spooled to a file first: it is read twice (for its session id, then for its lines).
/// </summary>
internal sealed class TranscriptImporter(
    IServiceProvider services,
    IOptions<GatewayOptions> options,
    IOptions<StorageOptions> storage,
    TimeProvider time,
    ILogger<TranscriptImporter> logger)
{
    public string ImportDirectory { get; } = Path.Combine(storage.Value.DataDirectory, "imports");

    public async Task<ImportResult> ImportAsync(Stream body, string? sessionId, string name, string host, string user, CancellationToken cancellationToken)
    {
        if (sessionId is not null && !HookInput.IsValidSessionId(sessionId))
            throw new ImportRejectedException($"invalid session id '{sessionId}'");
        Directory.CreateDirectory(ImportDirectory);
        var path = Path.Combine(ImportDirectory, $"{Guid.CreateVersion7():N}.jsonl");
        try
        {
            await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16,
                FileOptions.DeleteOnClose | FileOptions.Asynchronous);
            await body.CopyToAsync(file, 1 << 20, cancellationToken);
            if (file.Length > 0 && await LastByteAsync(file, cancellationToken) != '\n')
                file.WriteByte((byte)'\n'); // a finished file's last line is complete even without its newline
            await file.FlushAsync(cancellationToken);

            file.Seek(0, SeekOrigin.Begin);
            sessionId ??= await FindSessionIdAsync(file, cancellationToken)
                ?? throw new ImportRejectedException("no session id: give ?session=<id>, or import a transcript whose records carry sessionId");
            if (!HookInput.IsValidSessionId(sessionId))
                throw new ImportRejectedException($"invalid sessionId '{sessionId}' in the transcript");
            var result = await SendAsync(file, sessionId, name, host, user, cancellationToken);
            logger.LogInformation("Imported transcript {Name} into session {SessionId}: {Lines} lines, {Added} records stored, {Merged} joined, {Invalid} kept raw",
                name, sessionId, result.Lines, result.Added, result.Merged, result.InvalidLines);
            return result;
        }
        finally
        {
            File.Delete(path); // DeleteOnClose already did, unless the file was never opened
        }
    }

    private async Task<ImportResult> SendAsync(FileStream file, string sessionId, string name, string host, string user, CancellationToken cancellationToken)
    {
        using var scope = services.CreateScope();
        var client = scope.ServiceProvider.GetRequiredService<IRequestClient<TranscriptLinesCaptured>>();
        var timeout = RequestTimeout.After(ms: options.Value.QueryTimeoutMs);
        var source = "import:" + name;
        var inFlight = new Queue<Task<Response<TranscriptLinesStored>>>();
        int lines = 0, batches = 0, added = 0, merged = 0, invalid = 0;

        async Task CollectOldestAsync()
        {
            var stored = (await inFlight.Dequeue()).Message;
            (added, merged, invalid) = (added + stored.Added, merged + stored.Merged, invalid + stored.InvalidLines);
        }

        await foreach (var batch in TranscriptReader.ReadAsync(file, 0, options.Value.TranscriptBatchBytes, options.Value.TranscriptBatchLines, cancellationToken))
        {
            if (inFlight.Count >= options.Value.ImportBatchesInFlight)
                await CollectOldestAsync();
            var message = batch.Capture(sessionId, source, time.GetUtcNow(), host, user);
            inFlight.Enqueue(client.GetResponse<TranscriptLinesStored>(message, cancellationToken, timeout));
            lines += batch.LineCount;
            batches++;
        }
        while (inFlight.Count > 0)
            await CollectOldestAsync();
        return new ImportResult(sessionId, name, file.Length, lines, batches, added, merged, invalid);
    }

    private static async Task<int> LastByteAsync(FileStream file, CancellationToken cancellationToken)
    {
        var last = new byte[1];
        file.Seek(-1, SeekOrigin.End);
        await file.ReadExactlyAsync(last, cancellationToken);
        return last[0];
    }

    /// <summary>The first <c>sessionId</c> any record carries; lines that are not JSON are passed over here (the import keeps them raw).</summary>
    private static async Task<string?> FindSessionIdAsync(FileStream file, CancellationToken cancellationToken)
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
}
