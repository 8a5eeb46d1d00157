using System.Text;
using System.Text.Json;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SessionManagement.Contracts.Chat;
using SessionManagement.Gateway.Transcripts;
using SessionManagement.Hosting.Security;

namespace SessionManagement.Gateway.Routes;

/// <summary>
/// A branch: a new session (a new id) holding a session's transcript up to one of its messages, each line as it was but for the
/// session id (and the folder of its tool outputs kept in files, which go with it, as do the file checkpoints it names), kept as a child of the session it came from (<c>POST /api/sessions/{id}/branch?at=&lt;uuid&gt;</c>; smctl branch
/// and the web view's "branch here"). Only a session kept whole from its first line can be branched.
/// </summary>
internal static class SessionBranch
{
    private const int PageSize = 20_000;

    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/api/sessions/{sessionId}/branch", BranchAsync).Allow(AccessRole.Capture).AddEndpointFilter<OwnedSessionFilter>();

    private static async Task<IResult> BranchAsync(HttpContext http, ReadApiClient client, TranscriptImporter importer, string sessionId, string? at,
        CancellationToken cancellationToken)
    {
        try
        {
            return Results.Ok(await CreateAsync(http, client, importer, sessionId, at, cancellationToken));
        }
        catch (BranchRefusedException refused)
        {
            return Results.Json(new { error = refused.Message }, statusCode: refused.Status);
        }
        catch (RequestTimeoutException)
        {
            return client.NoAnswer("chat");
        }
    }

    /// <summary>Makes the branch; a <see cref="BranchRefusedException"/> says why it cannot be made.</summary>
    public static async Task<Branched> CreateAsync(HttpContext http, ReadApiClient client, TranscriptImporter importer, string sessionId, string? at,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(at))
            throw new BranchRefusedException(StatusCodes.Status400BadRequest, "at names the message the branch ends with (its uuid)");
        var held = await client.AskAsync<ListTranscriptFiles, TranscriptFilesHeld>(new ListTranscriptFiles(sessionId), cancellationToken);
        var own = held.Files.FirstOrDefault(f => f.File is null)
            ?? throw new BranchRefusedException(StatusCodes.Status404NotFound, $"no transcript of session {sessionId} is kept: nothing to branch");
        if (own.FirstOffset > 0)
            throw new BranchRefusedException(StatusCodes.Status409Conflict,
                $"session {sessionId} is not kept whole (its oldest lines were trimmed): a branch of it would start mid-conversation");

        var branch = Guid.NewGuid().ToString();
        var (from, to) = (Encoding.UTF8.GetBytes("\"sessionId\":" + JsonSerializer.Serialize(sessionId)), Encoding.UTF8.GetBytes("\"sessionId\":" + JsonSerializer.Serialize(branch)));
        // The tool outputs Claude Code kept in files beside the session go with the branch, into its own folder.
        var (outputsFrom, outputsTo) = (Encoding.UTF8.GetBytes(OutputsFolder(sessionId)), Encoding.UTF8.GetBytes(OutputsFolder(branch)));
        using var renamed = new MemoryStream();
        var wanted = Encoding.UTF8.GetBytes("\"" + at + "\"");
        using var lines = new MemoryStream();
        long count = 0;
        var found = false;
        long after = -1;
        while (!found)
        {
            using var page = await client.TranscriptPageAsync(sessionId, after, PageSize, null, cancellationToken);
            if (page.Offsets.Count == 0)
                break;
            var rest = page.Lines;
            while (!found && rest.Length > 0)
            {
                var end = rest.Span.IndexOf((byte)'\n');
                var line = end < 0 ? rest : rest[..(end + 1)];
                rest = rest[line.Length..];
                renamed.SetLength(0);
                Replace(renamed, line.Span, from, to);
                Replace(lines, renamed.GetBuffer().AsSpan(0, (int)renamed.Length), outputsFrom, outputsTo);
                count++;
                found = line.Span.IndexOf(wanted) >= 0 && UuidOf(line.Span) == at;
            }
            after = page.Offsets[^1];
        }
        if (!found)
            throw new BranchRefusedException(StatusCodes.Status404NotFound, $"session {sessionId} has no message {at}");

        lines.Position = 0;
        var (host, user) = ReadApiRoutes.ImportedBy(http);
        try
        {
            await importer.ImportAsync(lines, lines.Length, branch, branch + ".jsonl", host, user, cancellationToken, parentSessionId: sessionId);
        }
        catch (ImportRejectedException rejected)
        {
            throw new BranchRefusedException(StatusCodes.Status400BadRequest, rejected.Message);
        }
        var (outputs, checkpoints) = await CopyToolOutputsAsync(client, sessionId, branch, lines.GetBuffer().AsMemory(0, (int)lines.Length), host, user, cancellationToken);
        await AuditTrail.RecordAsync(http, "branch", branch, $"branched from {sessionId} at {at}: {count} lines"
            + (outputs > 0 ? $", {outputs} tool outputs" : "") + (checkpoints > 0 ? $", {checkpoints} file checkpoints" : ""));
        return new Branched(branch, sessionId, at, count) { ToolOutputs = outputs, FileCheckpoints = checkpoints };
    }

    /// <summary>A session's <c>tool-results</c> folder as a path names it, between its project's folder and the file's name.</summary>
    private static string OutputsFolder(string sessionId) => "/" + sessionId + "/" + SessionManagement.Contracts.Gateway.TranscriptFiles.ToolResultsFolder + "/";

    /// <summary>
    /// Keeps for the branch each tool output of the session its lines name (now in the branch's folder), and each of its file checkpoints
    /// they name (a <c>backupFileName</c>: Claude Code rewinds the branch's files from the branch's own <c>file-history</c>); how many of each.
    /// </summary>
    private static async Task<(int Outputs, int Checkpoints)> CopyToolOutputsAsync(ReadApiClient client, string sessionId, string branch, ReadOnlyMemory<byte> lines,
        string host, string user, CancellationToken cancellationToken)
    {
        var (copied, checkpoints) = (0, 0);
        const string prefix = SessionManagement.Contracts.Gateway.TranscriptFiles.FileBackupPrefix;
        foreach (var output in (await client.AskAsync<ListToolResults, ToolResultsHeld>(new ListToolResults(sessionId), cancellationToken)).Files)
        {
            var checkpoint = output.Name.StartsWith(prefix, StringComparison.Ordinal);
            var named = checkpoint ? "\"backupFileName\":\"" + output.Name[prefix.Length..] + "\"" : OutputsFolder(branch) + output.Name;
            if (lines.Span.IndexOf(Encoding.UTF8.GetBytes(named)) < 0)
                continue; // named only after the branch point
            var kept = await client.AskAsync<GetToolResult, ToolResultContent>(new GetToolResult(sessionId, output.Name), cancellationToken);
            if (!kept.Found)
                continue;
            await client.AskAsync<SessionManagement.Contracts.Gateway.ToolResultCaptured, ToolResultStored>(new SessionManagement.Contracts.Gateway.ToolResultCaptured(
                branch, output.Name, output.SourceSha256, output.Length, kept.Content, kept.ContentEncoding, DateTimeOffset.UtcNow, host, user), cancellationToken);
            if (checkpoint)
                checkpoints++;
            else
                copied++;
        }
        return (copied, checkpoints);
    }

    /// <summary>The line with the session's id replaced by the branch's wherever a record names it.</summary>
    private static void Replace(Stream output, ReadOnlySpan<byte> line, ReadOnlySpan<byte> from, ReadOnlySpan<byte> to)
    {
        int at;
        while ((at = line.IndexOf(from)) >= 0)
        {
            output.Write(line[..at]);
            output.Write(to);
            line = line[(at + from.Length)..];
        }
        output.Write(line);
    }

    private static string? UuidOf(ReadOnlySpan<byte> line)
    {
        try
        {
            var reader = new Utf8JsonReader(line.TrimEnd((byte)'\n'));
            using var document = JsonDocument.ParseValue(ref reader);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("uuid", out var uuid)
                && uuid.ValueKind == JsonValueKind.String ? uuid.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>A branch made: its id, the session it came from, the message it ends with, and its lines.</summary>
internal sealed record Branched(string SessionId, string ParentSessionId, string At, long Lines)
{
    /// <summary>The session's tool outputs kept in files that the branch's lines name, kept for the branch too.</summary>
    public int ToolOutputs { get; init; }

    /// <summary>The session's file checkpoints that the branch's lines name, kept for the branch too.</summary>
    public int FileCheckpoints { get; init; }
}

/// <summary>Why a branch cannot be made, with the HTTP status that says so.</summary>
internal sealed class BranchRefusedException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}
