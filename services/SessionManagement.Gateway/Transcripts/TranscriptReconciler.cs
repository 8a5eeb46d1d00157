using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionManagement.Contracts.Gateway;
using SessionManagement.Gateway.Capture;
using SessionManagement.Gateway.Options;
using SessionManagement.Hosting.Bus;

namespace SessionManagement.Gateway.Transcripts;

/// <summary>
/// Makes the store converge to the transcript files whatever happened to the hooks: at start and every
/// <see cref="GatewayOptions.ReconcileMinutes"/> it walks the transcript roots and takes in what was never shipped (sessions that
/// ran while nothing listened, hooks that were not installed). A file never shipped is imported (bounded, as an upload is) and its
/// cursor set where the import ended; a file shipped before goes on from its cursor. Every line is stored once however often it
/// arrives, so this races nothing. A file never shipped of a session deleted for good is not imported: only what was written to it since
/// is shipped (<see cref="DeletedSession"/>). Each session's tool outputs kept in files are taken in too (<see cref="ToolResultFiles"/>).
/// </summary>
internal sealed class TranscriptReconciler(
    TranscriptPathPolicy policy,
    ITranscriptCursorStore cursors,
    TranscriptImporter importer,
    TranscriptShipper shipper,
    ToolResultFiles toolResults,
    BusStarted busStarted,
    IOptions<GatewayOptions> options,
    TimeProvider time,
    ILogger<TranscriptReconciler> logger) : BackgroundService
{
    public sealed record Pass(int Files, int Imported, int Shipped, long Lines);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = TimeSpan.FromMinutes(options.Value.ReconcileMinutes);
        if (every <= TimeSpan.Zero)
            return;
        try
        {
            await busStarted.WaitAsync(stoppingToken);
            while (true)
            {
                try
                {
                    var pass = await ReconcileAsync(stoppingToken);
                    if (pass.Imported + pass.Shipped > 0)
                        logger.LogInformation("Transcripts reconciled: {Files} files, {Imported} taken in that were never shipped, {Shipped} shipped on from their cursor ({Lines} lines)",
                            pass.Files, pass.Imported, pass.Shipped, pass.Lines);
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    logger.LogWarning(error, "Reconciling the transcript roots failed; the next pass tries again");
                }
                await Task.Delay(every, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public async Task<Pass> ReconcileAsync(CancellationToken cancellationToken)
    {
        int files = 0, imported = 0, shipped = 0;
        long lines = 0;
        foreach (var root in policy.Roots.Where(Directory.Exists))
        {
            // Sessions' own files first: a subagent's lines then find their session there.
            var found = Directory.EnumerateFiles(root, "*.jsonl", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true })
                .Select(path => (Path: path, Session: SessionOf(path))).Where(f => f.Session is not null)
                .OrderBy(f => TranscriptFiles.RelativeName(f.Session!, f.Path) is null ? 0 : 1).ThenBy(f => f.Path, StringComparer.Ordinal).ToList();
            foreach (var (path, session) in found)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!policy.TryResolve(path, out var resolved, out _))
                    continue;
                files++;
                if (TranscriptFiles.RelativeName(session!, resolved) is null) // the session's tool outputs, beside its own transcript
                    await toolResults.ShipFolderAsync(session!, resolved, Environment.MachineName, Environment.UserName, cancellationToken);
                var cursor = await cursors.GetAsync(session!, resolved, cancellationToken);
                var length = new FileInfo(resolved).Length;
                if (cursor is not null && cursor.Offset >= length)
                    continue;
                if (cursor is null && await cursors.DeletedAsync(session!, cancellationToken) is null)
                {
                    await using var file = new FileStream(resolved, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
                    var result = await importer.ImportAsync(file, length, session, Path.GetFileName(resolved), Environment.MachineName, Environment.UserName,
                        cancellationToken, TranscriptFiles.RelativeName(session!, resolved));
                    await shipper.MarkShippedAsync(session!, resolved, result.Bytes - result.Shift, cancellationToken, result.Shift);
                    (imported, lines) = (imported + 1, lines + result.Lines);
                }
                else
                {
                    var result = await shipper.ShipAsync(session!, resolved, Environment.MachineName, Environment.UserName, cancellationToken);
                    if (result.Lines > 0)
                        (shipped, lines) = (shipped + 1, lines + result.Lines);
                }
            }
        }
        return new Pass(files, imported, shipped, lines);
    }

    /// <summary>The session a transcript file is of, by Claude Code's naming: <c>&lt;id&gt;.jsonl</c>, or <c>&lt;id&gt;/subagents/agent-*.jsonl</c>.</summary>
    private static string? SessionOf(string path)
    {
        var folder = Path.GetDirectoryName(path);
        if (folder is not null && Path.GetFileName(folder) == TranscriptFiles.SubagentsFolder)
        {
            var owner = Path.GetFileName(Path.GetDirectoryName(folder));
            return HookInput.IsValidSessionId(owner) && TranscriptFiles.RelativeName(owner!, path) is not null ? owner : null;
        }
        var name = Path.GetFileNameWithoutExtension(path);
        return HookInput.IsValidSessionId(name) ? name : null;
    }
}
