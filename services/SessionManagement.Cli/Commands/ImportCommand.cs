using System.ComponentModel;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using SessionManagement.Bridge.Privacy;
using SessionManagement.Contracts.Chat;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SessionManagement.Cli.Commands;

internal sealed class ImportSettings : GatewaySettings
{
    [CommandArgument(0, "[PATH]")]
    [Description("A transcript file, a project's folder or a whole projects tree (default: Claude Code's, ${CLAUDE_CONFIG_DIR:-~/.claude}/projects).")]
    public string? Path { get; init; }

    [CommandOption("--parallel <N>")]
    [Description("Files imported at once (default: twice the machine's cores).")]
    public int Parallel { get; init; } = 2 * Environment.ProcessorCount;

    [CommandOption("--undelete")]
    [Description("Import again the sessions deleted for good (smctl sessions delete), which are otherwise passed over. An admin's.")]
    public bool Undelete { get; init; }
}

/// <summary>
/// <c>smctl import</c>: a whole history into the store — sessions' transcripts, their subagents', and the tool outputs Claude Code kept in
/// files beside them (<c>&lt;session&gt;/tool-results/</c>), its checkpoints of the files they changed (<c>file-history/</c>) and its task list (<c>tasks/</c>). What the store already holds
/// the same (the file given back byte for byte) is skipped, so a second run imports nothing and a run cut short goes on where it
/// stopped; anything else is imported, and the store keeps each line once however often it arrives. A session deleted for good is
/// passed over, and said so, unless <c>--undelete</c>.
/// </summary>
internal sealed class ImportCommand : GatewayCommand<ImportSettings>
{
    protected override async Task<int> RunAsync(GatewayClient client, ImportSettings settings, CancellationToken cancellationToken)
    {
        var root = settings.Path ?? Path.Combine(ClaudeProjects.ConfigDirectory(), "projects");
        var found = TranscriptFolder.Find(root);
        var clock = Stopwatch.StartNew();
        var results = new List<FileResult>();
        var gate = new SemaphoreSlim(Math.Max(1, settings.Parallel));
        var redactor = await GatewayRedactorAsync(client, cancellationToken);
        var held = new HeldFiles(client);
        async Task ImportAllAsync(ProgressTask? bar)
        {
            // Sessions' own files first: a subagent's lines then find their session there.
            var tasks = found.OrderBy(f => f.File is null ? 0 : 1).Select(async transcript =>
            {
                await gate.WaitAsync(cancellationToken);
                try
                {
                    var result = await ImportOneAsync(client, held, transcript, redactor, settings.Undelete, cancellationToken);
                    lock (results)
                        results.Add(result);
                }
                finally
                {
                    gate.Release();
                    bar?.Increment(transcript.Bytes);
                }
            }).ToList();
            await Task.WhenAll(tasks);
        }
        if (settings.Json || !Out.Profile.Capabilities.Interactive)
            await ImportAllAsync(null);
        else
            await Out.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
                .StartAsync(async progress => await ImportAllAsync(progress.AddTask($"Importing {found.Count} transcripts", maxValue: Math.Max(1, found.Sum(f => f.Bytes)))));

        var imported = results.Where(r => r.Outcome == "imported").ToList();
        var failed = results.Where(r => r.Outcome == "failed").ToList();
        var deleted = results.Where(r => r.Outcome == "deleted").ToList();
        var bytes = imported.Sum(r => r.Bytes);
        var summary = new
        {
            root = Path.GetFullPath(root),
            files = found.Count,
            imported = imported.Count,
            skipped = results.Count(r => r.Outcome == "held"),
            failed = failed.Count,
            deleted = deleted.Count,
            toolOutputs = new { imported = results.Sum(r => r.SideFiles.ToolOutputs.Imported), held = results.Sum(r => r.SideFiles.ToolOutputs.Held) },
            fileCheckpoints = new { imported = results.Sum(r => r.SideFiles.Checkpoints.Imported), held = results.Sum(r => r.SideFiles.Checkpoints.Held) },
            taskLists = new { imported = results.Sum(r => r.SideFiles.TaskList.Imported), held = results.Sum(r => r.SideFiles.TaskList.Held) },
            lines = imported.Sum(r => r.Lines),
            added = imported.Sum(r => r.Added),
            bytes,
            seconds = Math.Round(clock.Elapsed.TotalSeconds, 2),
            megabytesPerSecond = Math.Round(bytes / 1e6 / Math.Max(0.001, clock.Elapsed.TotalSeconds), 1),
            problems = failed.Select(f => new { path = f.Path, problem = f.Problem }).ToList(),
            passedOver = deleted.Select(f => new { path = f.Path, reason = f.Problem }).ToList(),
        };
        if (settings.Json)
            Output.Plain(JsonSerializer.Serialize(summary, Indented));
        else
        {
            Out.MarkupLine($"{summary.files} transcripts: [green]{summary.imported} imported[/] ({ClaudeProjects.Count(summary.lines)} lines, {ClaudeProjects.Count(summary.added)} new), "
                + $"{summary.skipped} already held, " + (deleted.Count > 0 ? $"[yellow]{deleted.Count} deleted for good, passed over[/], " : "")
                + $"{(failed.Count > 0 ? $"[red]{failed.Count} failed[/]" : "0 failed")}; {summary.seconds:0.0} s, {summary.megabytesPerSecond:0.0} MB/s");
            if (summary.toolOutputs.imported + summary.toolOutputs.held > 0)
                Out.MarkupLine($"Tool outputs kept in files: [green]{summary.toolOutputs.imported} imported[/], {summary.toolOutputs.held} already held");
            if (summary.fileCheckpoints.imported + summary.fileCheckpoints.held > 0)
                Out.MarkupLine($"File checkpoints (for /rewind): [green]{summary.fileCheckpoints.imported} imported[/], {summary.fileCheckpoints.held} already held");
            if (summary.taskLists.imported + summary.taskLists.held > 0)
                Out.MarkupLine($"Task lists: [green]{summary.taskLists.imported} imported[/], {summary.taskLists.held} already held");
            foreach (var passed in deleted)
                Out.MarkupLineInterpolated($"[yellow]{passed.Path}[/]: {passed.Problem}");
            foreach (var problem in failed)
                Output.Error($"{problem.Path}: {problem.Problem}");
        }
        return failed.Count == 0 ? ExitCodes.Ok : ExitCodes.Failed;
    }

    private sealed record FileResult(string Path, string Outcome, long Bytes, long Lines, long Added, string? Problem)
    {
        /// <summary>
        /// The session's tool outputs kept in files beside its transcript, its file checkpoints and its task list: how many of each were
        /// imported, how many held already.
        /// </summary>
        public SideFiles SideFiles { get; init; } = SideFiles.None;
    }

    /// <summary>
    /// A session's own transcript brings its tool outputs kept in files (<c>&lt;session&gt;/tool-results/</c>) along, and Claude Code's
    /// checkpoints of the files it changed (<c>&lt;config&gt;/file-history/&lt;session&gt;/</c>) and its task list (<c>&lt;config&gt;/tasks/&lt;session&gt;/</c>).
    /// </summary>
    private static Task<SideFiles> SideFilesAsync(GatewayClient client, FoundTranscript transcript, CancellationToken cancellationToken) =>
        transcript is { SessionId: { } session, File: null }
            ? ToolResultFolder.ImportAsync(client, session, transcript.Path, cancellationToken)
            : Task.FromResult(SideFiles.None);

    private static async Task<FileResult> ImportOneAsync(GatewayClient client, HeldFiles heldFiles, FoundTranscript transcript, SecretRedactor? redactor, bool undelete,
        CancellationToken cancellationToken)
    {
        try
        {
            if (transcript.SessionId is { } session && await HeldAsync(client, heldFiles, session, transcript, redactor, cancellationToken))
                return new FileResult(transcript.Path, "held", transcript.Bytes, 0, 0, null) { SideFiles = await SideFilesAsync(client, transcript, cancellationToken) };
            var query = $"api/sessions/import?name={Uri.EscapeDataString(Path.GetFileName(transcript.Path))}"
                + (transcript.SessionId is null ? "" : "&session=" + Uri.EscapeDataString(transcript.SessionId))
                + (transcript.File is null ? "" : "&file=" + Uri.EscapeDataString(transcript.File))
                + "&path=" + Uri.EscapeDataString(Path.GetFullPath(transcript.Path)) // a file smctl restore re-homed is taken on after what is held of it
                + (undelete ? "&undelete=true" : "");
            var answer = await client.PostFileAsync(query, transcript.Path, cancellationToken);
            if (transcript.SessionId is { } imported)
                heldFiles.Forget(imported);
            return new FileResult(transcript.Path, "imported", transcript.Bytes, answer.GetProperty("lines").GetInt64(), answer.GetProperty("added").GetInt64(), null)
                { SideFiles = await SideFilesAsync(client, transcript, cancellationToken) };
        }
        catch (GatewayException error) when (error.ExitCode is ExitCodes.Conflict)
        {
            // The session was deleted for good: the gateway says when and by whom.
            return new FileResult(transcript.Path, "deleted", transcript.Bytes, 0, 0, error.Said ?? error.Message);
        }
        catch (GatewayException error) when (error.ExitCode is ExitCodes.BadInput or ExitCodes.GatewayFailed)
        {
            return new FileResult(transcript.Path, "failed", transcript.Bytes, 0, 0, error.Message);
        }
    }

    /// <summary>
    /// Whether the store holds this file as the gateway keeps it: as many lines, and the same lines as the file with its secrets masked
    /// the gateway's way (<paramref name="redactor"/>; each line keeps its length). A store that keeps the held file's digest says so in
    /// a word; else the held file is read back and compared byte for byte.
    /// </summary>
    private static async Task<bool> HeldAsync(GatewayClient client, HeldFiles heldFiles, string session, FoundTranscript transcript, SecretRedactor? redactor,
        CancellationToken cancellationToken)
    {
        if (await heldFiles.OfAsync(session, transcript.File, cancellationToken) is not { } held)
            return false;
        if (held.Digest is { } digest && TranscriptDigest.Knows(held.DigestAlgorithm))
        {
            using var local = new TranscriptDigest(held.DigestAlgorithm!); // counts the file's lines as it reads them
            await ReadKeptAsync(transcript.Path, redactor, local.AddLines, cancellationToken);
            return local.Lines == held.Lines && TranscriptDigest.Text(local.Value) == digest;
        }
        if (held.Lines != TranscriptFolder.CountLines(transcript.Path))
            return false;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using (var sink = new HashingStream(hash))
        {
            if (!await client.DownloadAsync($"api/sessions/{Uri.EscapeDataString(session)}/export?format=jsonl"
                    + (transcript.File is null ? "" : "&file=" + Uri.EscapeDataString(transcript.File)), sink, cancellationToken))
                return false;
        }
        using var kept = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await ReadKeptAsync(transcript.Path, redactor, (_, lines) => kept.AppendData(lines), cancellationToken);
        return hash.GetHashAndReset().AsSpan().SequenceEqual(kept.GetHashAndReset());
    }

    private delegate void KeptLines(long offset, ReadOnlySpan<byte> lines);

    /// <summary>The file as the gateway keeps it, a megabyte of whole lines at a time, each batch redacted, with its offset in the file.</summary>
    private static async Task ReadKeptAsync(string path, SecretRedactor? redactor, KeptLines take, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        var buffer = new byte[1 << 20];
        var held = 0;
        long offset = 0;
        void Take(int length)
        {
            var lines = buffer.AsMemory(0, length);
            take(offset, redactor is null ? lines.Span : redactor.RedactLines(lines).Span);
            offset += length;
        }
        while (true)
        {
            if (held == buffer.Length)
                Array.Resize(ref buffer, buffer.Length * 2); // one line longer than the buffer: room for the rest of it
            var read = await file.ReadAsync(buffer.AsMemory(held), cancellationToken);
            if (read == 0)
            {
                Take(held); // the last line, if it has no newline
                return;
            }
            held += read;
            var lines = buffer.AsSpan(0, held).LastIndexOf((byte)'\n') + 1;
            if (lines == 0)
                continue;
            Take(lines);
            buffer.AsSpan(lines, held - lines).CopyTo(buffer);
            held -= lines;
        }
    }

    /// <summary>The gateway's redaction (<c>/api/privacy</c>), to compare a file with what it keeps; none when the gateway does not say.</summary>
    private static async Task<SecretRedactor?> GatewayRedactorAsync(GatewayClient client, CancellationToken cancellationToken)
    {
        try
        {
            if (await client.GetJsonAsync("api/privacy", cancellationToken, missingIsNull: true) is not { } privacy
                || !privacy.TryGetProperty("redaction", out var redaction))
                return null;
            var patterns = redaction.GetProperty("secretPatterns").EnumerateArray().Select(p => p.GetString()!).ToList();
            return new SecretRedactor(redaction.GetProperty("secretDetectors").GetBoolean(), patterns);
        }
        catch (GatewayException)
        {
            return null; // an older gateway, or a token that may not ask: files are compared as they are
        }
    }

    /// <summary>A write-only stream that hashes what is written to it.</summary>
    private sealed class HashingStream(IncrementalHash hash) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => hash.AppendData(buffer, offset, count);
        public override void Write(ReadOnlySpan<byte> buffer) => hash.AppendData(buffer);
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            hash.AppendData(buffer.Span);
            return ValueTask.CompletedTask;
        }
    }
}
