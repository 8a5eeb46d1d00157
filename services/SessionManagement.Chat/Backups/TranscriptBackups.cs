using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionManagement.Chat.Consumers;
using SessionManagement.Chat.Messages;
using SessionManagement.Chat.Storage;
using SessionManagement.Contracts.Gateway;
using SessionManagement.Hosting.Options;
using SessionManagement.Hosting.Security;
using SessionManagement.Hosting.Storage;

namespace SessionManagement.Chat.Backups;

/// <summary>
/// The transcript lines chat holds, kept as files outside the live database beside the saver's backups
/// (<c>&lt;backups&gt;/.transcripts/&lt;session&gt;/&lt;file&gt;.lines</c>). The saver's backups keep a session's state and its hooks;
/// these keep what its transcripts said — replies, tool results, every record <c>smctl restore</c> writes back — so that a store
/// restored from the backups holds the conversation after Claude Code has deleted the files.
/// One file per transcript file of a session, written again when chat holds more of it: a header line (session, file, how many
/// lines, their SHA-256, what the store held then), then chunks of lines with their offsets, each Brotli-compressed and sealed when
/// encryption at rest is on. Written to a temporary name, flushed and renamed, then read back and checked before it counts.
/// </summary>
public sealed class TranscriptBackups(IOptions<StorageOptions> storage, IChatStore store, IOptions<ChatManagementOptions> chat, AtRest atRest,
    ILogger<TranscriptBackups> logger) : IAtRestRecords
{
    /// <summary>The record name a chunk is sealed under.</summary>
    public const string Record = "transcript_backups.chunk";

    private const string Extension = ".lines";

    /// <summary>The record a tool output's backup is sealed under, and its files' extension.</summary>
    public const string OutputRecord = "transcript_backups.tool_result";

    private const string OutputExtension = ".output";

    /// <summary>Lines read from the store, and written, a chunk at a time.</summary>
    private const int ChunkLines = 5_000, ChunkBytes = 1 << 20;

    /// <summary>The header line's fixed length, its line break included: its place is kept, and it is written once the chunks after it are.</summary>
    private const int HeaderBytes = 1_024;

    /// <summary>Brotli as the store packs transcript blocks (<see cref="TranscriptContent"/>): its fastest quality, a 64 KB window.</summary>
    private const int BrotliQuality = 0, BrotliWindow = 16;

    private readonly SemaphoreSlim _writing = new(1, 1);

    /// <summary>Under the backup folder, beside the saver's: a name no session's folder has (<see cref="FileNames.Encode"/> writes a leading dot as %2E).</summary>
    public string Path { get; } = System.IO.Path.Combine(storage.Value.BackupPath, ".transcripts");

    public string Name => "transcript backups";

    /// <summary>Backs up every session's transcript files chat holds more or other lines of than their backups do, counting them in <paramref name="tally"/>.</summary>
    public async Task BackUpChangedAsync(BackupTally tally, CancellationToken cancellationToken)
    {
        string? after = null;
        while (await store.TranscriptSessionsAsync(after, 500, cancellationToken) is { Count: > 0 } sessions)
        {
            foreach (var sessionId in sessions)
            {
                try
                {
                    tally.Wrote(await BackUpSessionAsync(sessionId, cancellationToken));
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    // One session's failure never stops the others': it is tried again at the next run.
                    logger.LogError(error, "Backing up the transcripts of session {SessionId} failed", sessionId);
                    tally.Fail($"the transcripts of session {sessionId}", error.Message);
                }
            }
            after = sessions[^1];
        }
    }

    /// <summary>Backs up the session's transcript files whose backups are behind what chat holds; returns how many were written.</summary>
    public async Task<int> BackUpSessionAsync(string sessionId, CancellationToken cancellationToken)
    {
        var written = 0;
        foreach (var (file, lines, first, digest, _) in await store.TranscriptFilesAsync(sessionId, cancellationToken))
        {
            var held = string.Create(CultureInfo.InvariantCulture, $"{lines}:{first}:{(digest is { } d ? d.ToString("x32", CultureInfo.InvariantCulture) : "")}");
            var path = FilePath(sessionId, file);
            if (ReadHeader(path) is { } existing && existing.Held == held)
                continue;
            if (await WriteAsync(sessionId, file, held, path, cancellationToken))
                written++;
            else
                logger.LogInformation("The backup of {File} was left as it was: the store held none of its lines by the time they were read " +
                    "(the session purged or deleted meanwhile)", Describe(sessionId, file));
        }
        return written + await BackUpToolResultsAsync(sessionId, cancellationToken);
    }

    /// <summary>
    /// Backs up the session's tool outputs kept in files (<c>&lt;session&gt;/tool-results/</c>) whose backups are missing or were read from
    /// another file: one file each, a header line (<see cref="OutputHeader"/>) then the output as the store keeps it, packed and sealed.
    /// </summary>
    private async Task<int> BackUpToolResultsAsync(string sessionId, CancellationToken cancellationToken)
    {
        var written = 0;
        foreach (var file in await store.ToolResultsAsync(sessionId, cancellationToken))
        {
            var path = OutputPath(sessionId, file.Name);
            if (ReadOutputHeader(path) is { } existing && existing.SourceSha256 == file.SourceSha256 && existing.Length == file.Length)
                continue;
            if (await store.ToolResultAsync(sessionId, file.Name, cancellationToken) is not { } kept)
                continue; // deleted meanwhile
            var plain = TranscriptContent.Unpack(kept.Content, kept.Encoding);
            var header = JsonSerializer.SerializeToUtf8Bytes(new OutputHeader(sessionId, file.Name, plain.LongLength, file.SourceSha256,
                Convert.ToHexStringLower(SHA256.HashData(plain)), file.CapturedAt, kept.Encoding));
            await _writing.WaitAsync(cancellationToken);
            try
            {
                await BackupFiles.WriteCheckedAsync(path, (byte[])[.. header, (byte)'\n', .. atRest.Seal(kept.Content, OutputRecord)],
                    $"session {sessionId}'s tool output {file.Name}", cancellationToken);
            }
            finally
            {
                _writing.Release();
            }
            written++;
        }
        return written;
    }

    /// <summary>Every backup of a tool output kept in a file.</summary>
    public IEnumerable<string> OutputFiles() =>
        Directory.Exists(Path)
            ? Directory.EnumerateFiles(Path, "*" + OutputExtension, SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            : [];

    /// <summary>
    /// Puts a tool output back into the store from its backup when the store holds none of that name for its session; false when it does,
    /// or the backup is damaged (it does not open, or does not give back the bytes its header names).
    /// </summary>
    public async Task<bool> RestoreOutputAsync(string path, CancellationToken cancellationToken)
    {
        if (ReadOutput(path) is not { } backup)
            return false;
        var header = backup.Header;
        if ((await store.ToolResultsAsync(header.SessionId, cancellationToken)).Any(f => f.Name == header.Name))
            return false;
        try
        {
            var content = atRest.Open(backup.Payload, OutputRecord);
            var plain = TranscriptContent.Unpack(content, header.Encoding);
            if (plain.LongLength != header.Length || Convert.ToHexStringLower(SHA256.HashData(plain)) != header.Sha256)
                throw new InvalidDataException("its bytes are not those its header names");
            await store.SaveToolResultAsync(new ToolResultCaptured(header.SessionId, header.Name, header.SourceSha256, header.Length, content, header.Encoding,
                header.CapturedAt, "", ""), cancellationToken);
            return true;
        }
        catch (Exception error) when (error is InvalidDataException or CryptographicException)
        {
            logger.LogError("The tool output backup {Path} is damaged: {Problem}", path, error.Message);
            return false;
        }
    }

    /// <summary>A tool output backup's header line alone (a backup run compares it, and reads no more); null when there is none to read.</summary>
    private static OutputHeader? ReadOutputHeader(string path)
    {
        try
        {
            using var input = File.OpenRead(path);
            return BackupFiles.FirstLine(input) is { } line ? JsonSerializer.Deserialize<OutputHeader>(line) : null;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or JsonException)
        {
            return null; // written again
        }
    }

    /// <summary>A tool output's backup: its header and its payload as kept (sealed or not); null when it cannot be read.</summary>
    private (OutputHeader Header, byte[] Payload)? ReadOutput(string path)
    {
        try
        {
            var bytes = File.ReadAllBytes(path);
            var end = Array.IndexOf(bytes, (byte)'\n');
            return end > 0 && JsonSerializer.Deserialize<OutputHeader>(bytes.AsSpan(0, end)) is { } header ? (header, bytes[(end + 1)..]) : null;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or JsonException)
        {
            if (error is not FileNotFoundException and not DirectoryNotFoundException)
                logger.LogWarning("The tool output backup {Path} could not be read: {Problem}", path, error.Message);
            return null;
        }
    }

    private string OutputPath(string sessionId, string name) => System.IO.Path.Combine(SessionFolder(sessionId), "tool-result-" + FileNames.Encode(name) + OutputExtension);

    /// <summary>A tool output backup's first line: whose and which it is, the file it was read from, and the bytes it holds.</summary>
    public sealed record OutputHeader(string SessionId, string Name, long Length, string SourceSha256, string Sha256, DateTimeOffset CapturedAt, string Encoding);

    /// <summary>
    /// Writes the file's backup from the lines the store holds, unless it holds none of them by then: a scheduled run that listed the
    /// file before the session was purged would otherwise replace its good backup with an empty one. False when it was left as it was.
    /// </summary>
    private async Task<bool> WriteAsync(string sessionId, string file, string held, string path, CancellationToken cancellationToken)
    {
        await _writing.WaitAsync(cancellationToken);
        var temporary = path + ".tmp";
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            using var written = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long lines = 0, bytes = 0, after = -1;
            await using (var output = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16, useAsync: true))
            {
                // The header's place is kept and written last, once the lines are counted and hashed.
                await output.WriteAsync(HeaderSpace(null), cancellationToken);
                while (true)
                {
                    using var page = await store.TranscriptLinesAsync(sessionId, file, after, ChunkLines, ChunkBytes, cancellationToken);
                    if (page.Offsets.Count == 0)
                        break;
                    hash.AppendData(page.Lines.Bytes.Span);
                    await WriteChunkAsync(output, page, written, cancellationToken);
                    (lines, bytes, after) = (lines + page.Offsets.Count, bytes + page.Lines.Bytes.Length, page.Offsets[^1]);
                }
                if (lines == 0)
                    return false;
                output.Seek(0, SeekOrigin.Begin);
                await output.WriteAsync(HeaderSpace(new Header(sessionId, file, lines, bytes, Convert.ToHexStringLower(hash.GetHashAndReset()), DateTimeOffset.UtcNow,
                    held)), cancellationToken);
                await output.FlushAsync(cancellationToken);
                output.Flush(flushToDisk: true);
            }
            // Read back before it counts: a file whose chunks are not the bytes written does not take the last good one's place.
            using var reread = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var input = new FileStream(temporary, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true))
            {
                input.Seek(HeaderBytes, SeekOrigin.Begin);
                var buffer = new byte[1 << 16];
                int read;
                while ((read = await input.ReadAsync(buffer, cancellationToken)) > 0)
                    reread.AppendData(buffer, 0, read);
            }
            if (!reread.GetHashAndReset().AsSpan().SequenceEqual(written.GetHashAndReset()))
                throw new InvalidDataException($"the backup of {Describe(sessionId, file)} did not read back as written");
            File.Move(temporary, path, overwrite: true);
            return true;
        }
        finally
        {
            // Released whatever the temporary file's fate: a write that failed (its folder not made) once left every later one waiting.
            BackupFiles.Discard(temporary);
            _writing.Release();
        }
    }

    /// <summary>
    /// Writes one chunk, and adds its bytes to <paramref name="written"/>: its length, then its payload sealed (in clear when encryption
    /// at rest is off) — the plain length, then the lines' count, offsets and bytes Brotli-compressed.
    /// </summary>
    private async Task WriteChunkAsync(Stream output, TranscriptBytes page, IncrementalHash written, CancellationToken cancellationToken)
    {
        var plainLength = 4 + 8 * page.Offsets.Count + page.Lines.Bytes.Length;
        var plain = ArrayPool<byte>.Shared.Rent(plainLength);
        var packed = ArrayPool<byte>.Shared.Rent(4 + BrotliEncoder.GetMaxCompressedLength(plainLength));
        try
        {
            BinaryPrimitives.WriteInt32LittleEndian(plain, page.Offsets.Count);
            for (var i = 0; i < page.Offsets.Count; i++)
                BinaryPrimitives.WriteInt64LittleEndian(plain.AsSpan(4 + 8 * i), page.Offsets[i]);
            page.Lines.Bytes.Span.CopyTo(plain.AsSpan(4 + 8 * page.Offsets.Count));
            BinaryPrimitives.WriteInt32LittleEndian(packed, plainLength);
            if (!BrotliEncoder.TryCompress(plain.AsSpan(0, plainLength), packed.AsSpan(4), out var compressed, BrotliQuality, BrotliWindow))
                throw new InvalidOperationException("a chunk did not compress into its largest size");
            // The packed bytes themselves when sealing is off: written before they go back to the pool.
            await WriteFramedAsync(output, atRest.Seal(packed.AsMemory(0, 4 + compressed), Record), written, cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(plain);
            ArrayPool<byte>.Shared.Return(packed);
        }
    }

    /// <summary>The header line in its fixed place: the JSON, spaces, a line break (<see cref="HeaderBytes"/> in all); all spaces for none.</summary>
    private static byte[] HeaderSpace(Header? header)
    {
        var space = new byte[HeaderBytes];
        space.AsSpan().Fill((byte)' ');
        space[^1] = (byte)'\n';
        if (header is not null)
        {
            var json = JsonSerializer.SerializeToUtf8Bytes(header);
            if (json.Length >= HeaderBytes)
                throw new InvalidOperationException($"the backup header of {Describe(header.SessionId, header.File)} is longer than {HeaderBytes - 1} bytes");
            json.CopyTo(space, 0);
        }
        return space;
    }

    /// <summary>Every backup file, by session and file name.</summary>
    public IEnumerable<string> Files() =>
        Directory.Exists(Path)
            ? Directory.EnumerateFiles(Path, "*" + Extension, SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            : [];

    /// <summary>
    /// Reads a backup, handing each run of lines that follow one another in the file to <paramref name="lines"/> (its first line's offset
    /// and the lines, each ending in <c>\n</c>); null when it is damaged, cut short, cannot be opened or does not give back what its
    /// header says.
    /// </summary>
    public async Task<Header?> ReadAsync(string path, Func<long, ReadOnlyMemory<byte>, Task> lines, CancellationToken cancellationToken)
    {
        try
        {
            await using var input = File.OpenRead(path);
            if (ReadHeader(input) is not { } header)
                return null;
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long count = 0;
            await foreach (var chunk in ChunksAsync(input, cancellationToken))
            {
                var plain = Decompress(atRest.Open(chunk, Record));
                if (plain is null)
                    return null;
                var offsets = BinaryPrimitives.ReadInt32LittleEndian(plain);
                var text = plain.AsMemory(4 + 8 * offsets);
                hash.AppendData(text.Span);
                count += offsets;
                // Runs of lines that follow one another in the file: each is stored as the lines of one stretch of it.
                var (start, runOffset) = (0, BinaryPrimitives.ReadInt64LittleEndian(plain.AsSpan(4)));
                var position = 0;
                for (var i = 0; i < offsets; i++)
                {
                    var offset = BinaryPrimitives.ReadInt64LittleEndian(plain.AsSpan(4 + 8 * i));
                    if (offset != runOffset + (position - start))
                    {
                        await lines(runOffset, text[start..position]);
                        (start, runOffset) = (position, offset);
                    }
                    position += text.Span[position..].IndexOf((byte)'\n') + 1;
                }
                if (position > start)
                    await lines(runOffset, text[start..position]);
            }
            return count == header.Lines && Convert.ToHexStringLower(hash.GetHashAndReset()) == header.Sha256 ? header : null;
        }
        catch (Exception error) when (error is IOException or InvalidDataException or CryptographicException or JsonException or ArgumentException
            or IndexOutOfRangeException or UnauthorizedAccessException)
        {
            logger.LogWarning("The transcript backup {Path} could not be read: {Problem}", path, error.Message);
            return null;
        }
    }

    /// <summary>
    /// Puts back into the store the lines of a backup whose file the store holds nothing of (a store started again after it was
    /// damaged); returns how many lines, or null when the store already holds the file or the backup is damaged. What chat announces
    /// of lines it stores (<see cref="AppendAnnouncements"/>) is added to <paramref name="announcements"/>, to be published once the
    /// bus runs.
    /// </summary>
    public async Task<long?> RestoreAsync(string path, CancellationToken cancellationToken, List<object>? announcements = null)
    {
        if (ReadHeader(path) is not { } header)
            return null;
        if ((await store.TranscriptFilesAsync(header.SessionId, cancellationToken)).Any(f => f.File == header.File))
            return null;
        long restored = 0;
        var read = await ReadAsync(path, async (offset, lines) =>
        {
            // As a batch of the file's lines arrives: one block, its records read and stored.
            for (var start = 0; start < lines.Length;)
            {
                var end = lines.Length - start <= 1 << 20 ? lines.Length : start + lines.Span[start..(start + (1 << 20))].LastIndexOf((byte)'\n') + 1;
                if (end <= start)
                    end = start + lines.Span[start..].IndexOf((byte)'\n') + 1;
                var batch = lines[start..end];
                var (stored, encoding) = TranscriptContent.Pack(batch.Span, chat.Value.MessageCompression);
                using var block = new TranscriptBlock(header.SessionId, offset + start, offset + end, batch, stored, encoding) { File = header.File };
                var records = TranscriptRecordReader.Read(block, header.CreatedAt).ToList();
                var results = await store.AppendAsync(records, chat.Value.HistoryRetention, cancellationToken);
                announcements?.AddRange(await AppendAnnouncements.ForAsync(store, records, results, null, DateTimeOffset.UtcNow, cancellationToken));
                restored += batch.Span.Count((byte)'\n');
                start = end;
            }
        }, cancellationToken);
        if (read is null)
            logger.LogError("The transcript backup {Path} is damaged; {Lines} of its lines were put back before the damage", path, restored);
        return restored;
    }

    /// <summary>
    /// Backs up the session's transcript files, then runs <paramref name="purge"/> (the store dropping the session) while no backup is
    /// being written: a scheduled run reads a file whole or after the purge (then writing nothing), never half of it.
    /// </summary>
    public async Task BackUpAndPurgeAsync(string sessionId, Func<Task> purge, CancellationToken cancellationToken)
    {
        await BackUpSessionAsync(sessionId, cancellationToken);
        await _writing.WaitAsync(cancellationToken);
        try
        {
            await purge();
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>
    /// Deletes the backups of a session's transcript files (the session deleted for good).
    /// </summary>
    public async Task DeleteSessionAsync(string sessionId, CancellationToken cancellationToken)
    {
        var folder = SessionFolder(sessionId);
        await _writing.WaitAsync(cancellationToken);
        try
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>
    /// Puts back a session's transcript files from their backups where the store holds nothing of them (<see cref="RestoreAsync"/>): a
    /// session purged, then restored from its backup. How many files and lines were put back, and how many files were left as they were.
    /// </summary>
    public async Task<(int Files, long Lines, int Held)> RestoreSessionAsync(string sessionId, List<object> announcements, CancellationToken cancellationToken)
    {
        var folder = SessionFolder(sessionId);
        int files = 0, held = 0;
        long lines = 0;
        foreach (var path in Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*" + Extension).Order(StringComparer.Ordinal) : Enumerable.Empty<string>())
        {
            if (await RestoreAsync(path, cancellationToken, announcements) is { } restored)
                (files, lines) = (files + 1, lines + restored);
            else
                held++;
        }
        foreach (var path in Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*" + OutputExtension).Order(StringComparer.Ordinal) : Enumerable.Empty<string>())
        {
            if (await RestoreOutputAsync(path, cancellationToken))
                files++;
            else
                held++;
        }
        return (files, lines, held);
    }

    public async Task<(string? Next, int Resealed)> ResealAsync(AtRest current, string? cursor, int max, CancellationToken cancellationToken)
    {
        var files = BackupFiles.After(Files().Concat(OutputFiles()).Order(StringComparer.Ordinal), Path, cursor, Math.Max(1, max / 100));
        var resealed = 0;
        foreach (var name in files)
        {
            var path = System.IO.Path.Combine(Path, name);
            if (path.EndsWith(OutputExtension, StringComparison.Ordinal))
            {
                if (await ResealOutputAsync(current, path, cancellationToken))
                    resealed++;
                continue;
            }
            // Under the write lock: a backup written again meanwhile is not put back as it was.
            await _writing.WaitAsync(cancellationToken);
            try
            {
                List<byte[]> chunks = [];
                Header? header;
                await using (var input = File.OpenRead(path))
                {
                    if ((header = ReadHeader(input)) is null)
                        continue;
                    await foreach (var chunk in ChunksAsync(input, cancellationToken))
                        chunks.Add(chunk);
                }
                if (!chunks.Any(current.IsStale))
                    continue;
                // Each chunk opened and sealed under the current key, the file written whole to a temporary name and renamed over the old.
                var temporary = path + ".tmp";
                await using (var output = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16, useAsync: true))
                {
                    await output.WriteAsync(HeaderSpace(header), cancellationToken);
                    foreach (var chunk in chunks)
                        await WriteFramedAsync(output, current.Seal(current.Open(chunk, Record), Record), null, cancellationToken);
                    output.Flush(flushToDisk: true);
                }
                File.Move(temporary, path, overwrite: true);
                resealed++;
            }
            finally
            {
                _writing.Release();
            }
        }
        return (files.Count == 0 ? null : files[^1], resealed);
    }

    /// <summary>Seals a tool output's backup again under the current key when it is under another; whether it was.</summary>
    private async Task<bool> ResealOutputAsync(AtRest current, string path, CancellationToken cancellationToken)
    {
        await _writing.WaitAsync(cancellationToken);
        try
        {
            var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
            var end = Array.IndexOf(bytes, (byte)'\n');
            if (end <= 0 || !current.IsStale(bytes[(end + 1)..]))
                return false;
            await BackupFiles.WriteCheckedAsync(path, (byte[])[.. bytes.AsSpan(0, end + 1), .. current.Seal(current.Open(bytes[(end + 1)..], OutputRecord), OutputRecord)],
                path, cancellationToken);
            return true;
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>The chunks after the header, each as kept (sealed or not); a chunk cut short or of no length is damage.</summary>
    private static async IAsyncEnumerable<byte[]> ChunksAsync(Stream input, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var length = new byte[4];
        while (await input.ReadAtLeastAsync(length, 4, throwOnEndOfStream: false, cancellationToken) is var read && read > 0)
        {
            var chunk = read < 4 ? [] : new byte[BinaryPrimitives.ReadInt32LittleEndian(length)];
            if (chunk.Length <= 0 || await input.ReadAtLeastAsync(chunk, chunk.Length, throwOnEndOfStream: false, cancellationToken) < chunk.Length)
                throw new InvalidDataException("a chunk is cut short");
            yield return chunk;
        }
    }

    /// <summary>Writes one chunk as kept, its length first, and adds what it wrote to <paramref name="written"/> when given.</summary>
    private static async Task WriteFramedAsync(Stream output, ReadOnlyMemory<byte> payload, IncrementalHash? written, CancellationToken cancellationToken)
    {
        var length = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, payload.Length);
        written?.AppendData(length);
        written?.AppendData(payload.Span);
        await output.WriteAsync(length, cancellationToken);
        await output.WriteAsync(payload, cancellationToken);
    }

    private string SessionFolder(string sessionId) => System.IO.Path.Combine(Path, FileNames.Encode(sessionId));

    private string FilePath(string sessionId, string file) =>
        System.IO.Path.Combine(SessionFolder(sessionId), (file.Length == 0 ? "session" : "file-" + FileNames.Encode(file)) + Extension);

    private static Header? ReadHeader(string path)
    {
        try
        {
            using var input = File.OpenRead(path);
            return ReadHeader(input);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The header line, leaving the stream at the first chunk.</summary>
    private static Header? ReadHeader(Stream input)
    {
        try
        {
            return BackupFiles.FirstLine(input) is { } line ? JsonSerializer.Deserialize<Header>(line) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A chunk's payload opened: its lines' count, offsets and bytes; null when it does not decompress to the length it gives.</summary>
    private static byte[]? Decompress(byte[] payload)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(payload);
        if (length is < 4 or > 1 << 30)
            return null;
        var plain = new byte[length];
        return BrotliDecoder.TryDecompress(payload.AsSpan(4), plain, out var written) && written == length ? plain : null;
    }

    private static string Describe(string sessionId, string file) => file.Length == 0 ? $"session {sessionId}'s transcript" : $"session {sessionId}'s {file}";

    /// <summary>
    /// A backup's first line. <paramref name="Held"/> is what the store held of the file when it was written (lines, first offset,
    /// digest): the file is written again once the store holds something else.
    /// </summary>
    public sealed record Header(string SessionId, string File, long Lines, long Bytes, string Sha256, DateTimeOffset CreatedAt, string Held);
}
