using MassTransit;
using Microsoft.Extensions.Logging;
using SessionManagement.Bridge;
using SessionManagement.Contracts.Chat;
using SessionManagement.Gateway.Routes;

namespace SessionManagement.Gateway.Transcripts;

/// <summary>
/// Where a transcript file read from its start goes on from what the store holds of its session, when no cursor says: a store that
/// lost its cursors (a damaged database restored from its backups), or a copy of the session in another project's folder (handed
/// off with <c>smctl restore --to-project</c>, its paths rewritten, so every line at another offset). A file whose first lines are
/// the held ones, the same records byte for byte or re-homed, is taken on after them, each line it has beyond them placed after the
/// held ones. A file whose first line is another record, or a session held from a later line than its first, is read whole, as before.
/// </summary>
internal sealed class TranscriptAlignment(ReadApiClient client, ILogger<TranscriptAlignment> logger)
{
    private const int PageLines = 2_000;
    private const int ReadBytes = 64 * 1024;

    /// <summary>
    /// Where the file goes on: <see cref="Aligned.FileOffset"/> its first byte not held, <see cref="Aligned.Shift"/> what to add to the
    /// offsets from there. <see cref="Aligned.ReadAhead"/> are the bytes read from <paramref name="file"/> past that offset, for a stream
    /// that cannot seek back (an upload). Not taken on: offset 0, no shift, and every byte read. Chat not answering in time throws
    /// <see cref="RequestTimeoutException"/>: an import answers 504, and shipping waits for the next hook or poll rather than send
    /// what may be held.
    /// </summary>
    public async Task<Aligned> AlignAsync(Stream file, string sessionId, string? subagentFile, CancellationToken cancellationToken)
    {
        var reader = new LineReader(file);
        var held = (await client.AskAsync<ListTranscriptFiles, TranscriptFilesHeld>(new ListTranscriptFiles(sessionId), cancellationToken)).Files
            .FirstOrDefault(f => f.File == subagentFile);
        if (held is not { Lines: > 0, FirstOffset: 0 })
            return reader.NotTakenOn();

        long after = -1, heldEnd = 0;
        var same = true;
        var rehomed = false;
        while (true)
        {
            using var page = await client.TranscriptPageAsync(sessionId, after, PageLines, subagentFile, cancellationToken);
            if (page.Offsets.Count == 0)
                break;
            var lines = page.Lines;
            for (var i = 0; i < page.Offsets.Count; i++)
            {
                var end = lines.Span.IndexOf((byte)'\n');
                var line = lines[..end];
                lines = lines[(end + 1)..];
                heldEnd = page.Offsets[i] + line.Length + 1;
                if (!same)
                    continue;
                var next = await reader.PeekLineAsync(cancellationToken);
                if (next is not { } fileLine || !TranscriptRecords.Same(line.Span, fileLine.Span))
                {
                    same = false;
                    continue;
                }
                rehomed |= !line.Span.SequenceEqual(fileLine.Span);
                reader.Consume();
            }
            after = page.Offsets[^1];
        }
        if (reader.ConsumedLines == 0)
            return reader.NotTakenOn();
        if (rehomed || !same)
            logger.LogInformation("Transcript of session {SessionId}{File} holds the {Matched} lines held first{How}: taken on after them, its next lines placed after the {HeldEnd} bytes held",
                sessionId, subagentFile is null ? "" : " (" + subagentFile + ")", reader.ConsumedLines, rehomed ? ", with their paths rewritten" : "", heldEnd);
        return reader.TakenOn(heldEnd);
    }

    /// <summary>Where a file goes on (<see cref="AlignAsync"/>), and how many of its lines were passed over as held.</summary>
    public sealed record Aligned(bool TakenOn, long FileOffset, long Shift, ReadOnlyMemory<byte> ReadAhead, long Lines);

    /// <summary>Reads a stream line by line from its start, keeping what it read past the lines consumed.</summary>
    private sealed class LineReader(Stream stream)
    {
        /// <summary>Taken when the first line is asked for: a file whose session holds nothing yet (each of an import's new ones) reads none here.</summary>
        private byte[] _buffer = [];
        private int _start, _end, _lineLength = -1;
        private long _consumedBytes;
        private bool _ended;

        /// <summary>The lines passed over so far.</summary>
        public long ConsumedLines { get; private set; }

        /// <summary>The next complete line (without its break), or null at the end: a last line without its break is not one yet.</summary>
        public async Task<ReadOnlyMemory<byte>?> PeekLineAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                var newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
                if (newline >= 0)
                {
                    _lineLength = newline;
                    return _buffer.AsMemory(_start, newline);
                }
                if (_ended)
                    return null;
                if (_start > 0)
                {
                    Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                    (_end, _start) = (_end - _start, 0);
                }
                if (_end == _buffer.Length)
                    Array.Resize(ref _buffer, Math.Max(ReadBytes, _buffer.Length * 2));
                var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
                if (read == 0)
                    _ended = true;
                _end += read;
            }
        }

        /// <summary>Passes over the line <see cref="PeekLineAsync"/> gave.</summary>
        public void Consume()
        {
            _start += _lineLength + 1;
            _consumedBytes += _lineLength + 1;
            ConsumedLines++;
        }

        /// <summary>Read from the start: every byte read so far (no line was consumed).</summary>
        public Aligned NotTakenOn() => new(false, 0, 0, _buffer.AsMemory(0, _end), 0);

        public Aligned TakenOn(long heldEnd) => new(true, _consumedBytes, heldEnd - _consumedBytes, _buffer.AsMemory(_start, _end - _start), ConsumedLines);
    }
}
