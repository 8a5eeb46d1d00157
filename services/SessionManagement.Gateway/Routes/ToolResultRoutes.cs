using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using SessionManagement.Contracts.Chat;
using SessionManagement.Contracts.Gateway;
using SessionManagement.Gateway.Capture;
using SessionManagement.Gateway.Transcripts;
using SessionManagement.Hosting.Security;

namespace SessionManagement.Gateway.Routes;

/// <summary>
/// A session's tool outputs kept in files (Claude Code's <c>&lt;session&gt;/tool-results/</c>, <see cref="ToolResultFiles"/>): the list
/// (<c>GET /api/sessions/{id}/tool-results</c>), one file's bytes (<c>GET …/tool-results/{name}</c>), and an upload of one
/// (<c>PUT …/tool-results/{name}</c>, what <c>smctl import</c> sends), its secrets masked on the way in as the gateway's own
/// capture does; refused for a session deleted for good until its transcript is imported again with <c>undelete=true</c>. Claude Code's
/// file checkpoints of the session (<c>&lt;config&gt;/file-history/&lt;session&gt;/</c>) have the same three under
/// <c>/api/sessions/{id}/file-history</c>; its task list, kept whole, is read and uploaded at <c>/api/sessions/{id}/tasks</c>.
/// </summary>
internal static class ToolResultRoutes
{
    /// <summary>One folder of files kept with a session: its name in the routes, what its files are called in chat, and their names.</summary>
    private sealed record Folder(string Route, string Prefix, Func<string?, bool> Named, string What, string NameRule)
    {
        /// <summary>What is wrong with an upload's bytes, or null: the files Claude Code writes are taken as they are.</summary>
        public Func<byte[], string?> Problem { get; init; } = _ => null;
    }

    private static readonly Folder ToolResults = new(TranscriptFiles.ToolResultsFolder, "", TranscriptFiles.IsToolResultName, "tool output",
        $"the name of a file in a session's {TranscriptFiles.ToolResultsFolder} folder (letters, digits, _, - and ., not starting with a dot, at most 200)");

    private static readonly Folder FileHistory = new(TranscriptFiles.FileHistoryFolder, TranscriptFiles.FileBackupPrefix, TranscriptFiles.IsFileBackupName,
        "file checkpoint", "the name of a Claude Code file checkpoint (16 or 64 lower-case hex digits, @v and a version)");

    /// <summary>A session's task list, kept whole as one file (<see cref="TaskListFiles"/>): <c>PUT /api/sessions/{id}/tasks</c>.</summary>
    private static readonly Folder TaskList = new(TaskListFiles.Folder, TaskListFiles.Folder + "/", n => n == "list.json", "task list", "list.json")
    {
        Problem = bytes =>
        {
            try
            {
                TaskListFiles.Files(bytes);
                return null;
            }
            catch (FormatException error)
            {
                return error.Message;
            }
        },
    };

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/api/sessions/{sessionId}/tasks", TasksAsync).Allow(AccessRole.Read).AddEndpointFilter<OwnedSessionFilter>();
        api.MapPut("/api/sessions/{sessionId}/tasks", (HttpContext http, ReadApiClient client, ToolResultFiles files, ITranscriptCursorStore cursors,
            string sessionId, CancellationToken cancellationToken) => UploadAsync(TaskList, http, client, files, cursors, sessionId, "list.json", cancellationToken))
            .Allow(AccessRole.Capture).AddEndpointFilter<OwnedSessionFilter>();
        foreach (var folder in (Folder[])[ToolResults, FileHistory])
        {
            api.MapGet($"/api/sessions/{{sessionId}}/{folder.Route}", (ReadApiClient client, string sessionId, CancellationToken cancellationToken) =>
                ListAsync(folder, client, sessionId, cancellationToken)).Allow(AccessRole.Read).AddEndpointFilter<OwnedSessionFilter>();
            api.MapGet($"/api/sessions/{{sessionId}}/{folder.Route}/{{name}}", (HttpContext http, ReadApiClient client, string sessionId, string name,
                CancellationToken cancellationToken) => ReadAsync(folder, http, client, sessionId, name, cancellationToken))
                .Allow(AccessRole.Read).AddEndpointFilter<OwnedSessionFilter>();
            api.MapPut($"/api/sessions/{{sessionId}}/{folder.Route}/{{name}}", (HttpContext http, ReadApiClient client, ToolResultFiles files,
                ITranscriptCursorStore cursors, string sessionId, string name, CancellationToken cancellationToken) =>
                UploadAsync(folder, http, client, files, cursors, sessionId, name, cancellationToken))
                .Allow(AccessRole.Capture).AddEndpointFilter<OwnedSessionFilter>();
        }
    }

    private static async Task<IResult> ListAsync(Folder folder, ReadApiClient client, string sessionId, CancellationToken cancellationToken)
    {
        try
        {
            var held = await client.AskAsync<ListToolResults, ToolResultsHeld>(new ListToolResults(sessionId), cancellationToken);
            return Results.Ok(held with
            {
                Files = held.Files.Where(f => f.Name.StartsWith(folder.Prefix, StringComparison.Ordinal) && folder.Named(f.Name[folder.Prefix.Length..]))
                    .Select(f => f with { Name = f.Name[folder.Prefix.Length..] }).ToList(),
            });
        }
        catch (RequestTimeoutException)
        {
            return client.NoAnswer("chat");
        }
    }

    private static async Task<IResult> ReadAsync(Folder folder, HttpContext http, ReadApiClient client, string sessionId, string name,
        CancellationToken cancellationToken)
    {
        if (!folder.Named(name))
            return NotAName(folder, name);
        byte[]? bytes;
        try
        {
            bytes = await KeptAsync(client, sessionId, folder.Prefix + name, cancellationToken);
        }
        catch (RequestTimeoutException)
        {
            return client.NoAnswer("chat");
        }
        if (bytes is null)
            return Results.Json(new { error = $"session '{sessionId}' has no {folder.What} '{name}' kept" }, statusCode: StatusCodes.Status404NotFound);
        await AuditTrail.RecordAsync(http, AuditTrail.ActionOf(http, "export", "restore"), sessionId, $"{folder.What} {name}");
        return Results.Bytes(bytes, IsText(name) ? TextType : "application/octet-stream");
    }

    /// <summary>
    /// The session's task list as kept: <c>{"sessionId", "sourceSha256", "capturedAt", "tasks": [each task's JSON, by id], "files": {name: text}}</c>,
    /// 404 when none is kept.
    /// </summary>
    private static async Task<IResult> TasksAsync(HttpContext http, ReadApiClient client, string sessionId, CancellationToken cancellationToken)
    {
        (ToolResultView View, IReadOnlyList<(string Name, string Text)> Files)? list;
        try
        {
            list = await KeptTaskListAsync(client, sessionId,
                await client.AskAsync<ListToolResults, ToolResultsHeld>(new ListToolResults(sessionId), cancellationToken), cancellationToken);
        }
        catch (RequestTimeoutException)
        {
            return client.NoAnswer("chat");
        }
        if (list is not var (view, files))
            return Results.Json(new { error = $"session '{sessionId}' has no task list kept" }, statusCode: StatusCodes.Status404NotFound);
        await AuditTrail.RecordAsync(http, AuditTrail.ActionOf(http, "export", "restore"), sessionId, "task list");
        return Results.Ok(new { sessionId, view.SourceSha256, view.CapturedAt, tasks = TasksOf(files),
            files = files.ToDictionary(f => f.Name, f => f.Text, StringComparer.Ordinal) });
    }

    /// <summary>
    /// The tasks of a session's task list kept, by id (a file that does not read as JSON is left out: kept as Claude Code wrote it);
    /// empty when none is kept.
    /// </summary>
    internal static async Task<IReadOnlyList<System.Text.Json.JsonElement>> KeptTasksAsync(ReadApiClient client, string sessionId, ToolResultsHeld held,
        CancellationToken cancellationToken) =>
        await KeptTaskListAsync(client, sessionId, held, cancellationToken) is var (_, files) ? TasksOf(files) : [];

    /// <summary>The session's task list as kept, among the files <paramref name="held"/> lists, and its files; null when none is kept.</summary>
    private static async Task<(ToolResultView View, IReadOnlyList<(string Name, string Text)> Files)?> KeptTaskListAsync(ReadApiClient client,
        string sessionId, ToolResultsHeld held, CancellationToken cancellationToken) =>
        held.Files.FirstOrDefault(f => f.Name == TaskListFiles.KeptName) is { } view
        && await KeptAsync(client, sessionId, TaskListFiles.KeptName, cancellationToken) is { } bytes
            ? (view, TaskListFiles.Files(bytes))
            : null;

    private static List<System.Text.Json.JsonElement> TasksOf(IReadOnlyList<(string Name, string Text)> files)
    {
        var tasks = new List<System.Text.Json.JsonElement>();
        foreach (var (_, text) in files.Where(f => f.Name.EndsWith(".json", StringComparison.Ordinal))
                     .OrderBy(f => long.Parse(f.Name[..^5], System.Globalization.CultureInfo.InvariantCulture)))
        {
            try
            {
                using var task = System.Text.Json.JsonDocument.Parse(text);
                tasks.Add(task.RootElement.Clone());
            }
            catch (System.Text.Json.JsonException)
            {
            }
        }
        return tasks;
    }

    /// <summary>A tool output's bytes as chat keeps them (its secrets masked), unpacked; null when none of that name is kept.</summary>
    internal static async Task<byte[]?> KeptAsync(ReadApiClient client, string sessionId, string name, CancellationToken cancellationToken)
    {
        var kept = await client.AskAsync<GetToolResult, ToolResultContent>(new GetToolResult(sessionId, name), cancellationToken);
        return kept.Found ? TranscriptContent.Unpack(kept.Content, kept.ContentEncoding) : null;
    }

    /// <summary>Whether a tool output is served as text: Claude Code's <c>.txt</c> files of a command's output.</summary>
    internal static bool IsText(string name) => name.EndsWith(".txt", StringComparison.Ordinal);

    internal const string TextType = "text/plain; charset=utf-8";

    private static async Task<IResult> UploadAsync(Folder folder, HttpContext http, ReadApiClient client, ToolResultFiles files,
        ITranscriptCursorStore cursors, string sessionId, string name, CancellationToken cancellationToken)
    {
        if (!HookInput.IsValidSessionId(sessionId))
            return ReadApiRoutes.BadRequest($"invalid session id '{sessionId}'");
        if (!folder.Named(name))
            return NotAName(folder, name);
        if (await cursors.DeletedAsync(sessionId, cancellationToken) is { } deleted) // its transcript imported with undelete=true lifts it
            return Results.Json(new { error = new DeletedSessionException(deleted).Message, deleted }, statusCode: StatusCodes.Status409Conflict);
        if (http.Request.ContentLength is > TranscriptFiles.MaxToolResultBytes)
            return TooLarge(name);
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = null; // the cap below decides, and answers what is over it
        using var body = new MemoryStream();
        var buffer = new byte[1 << 16];
        int read;
        while ((read = await http.Request.Body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (body.Length + read > TranscriptFiles.MaxToolResultBytes)
                return TooLarge(name);
            body.Write(buffer, 0, read);
        }
        if (folder.Problem(body.ToArray()) is { } problem)
            return ReadApiRoutes.BadRequest(problem);
        var (host, user) = ReadApiRoutes.ImportedBy(http);
        var captured = files.Capture(sessionId, folder.Prefix + name, body.ToArray(), host, user);
        try
        {
            var stored = await client.AskAsync<ToolResultCaptured, ToolResultStored>(captured, cancellationToken);
            return Results.Ok(new { sessionId, name, length = captured.Length, sha256 = captured.SourceSha256, stored = stored.Stored });
        }
        catch (RequestTimeoutException)
        {
            return client.NoAnswer("chat");
        }
    }

    private static IResult NotAName(Folder folder, string name) => ReadApiRoutes.BadRequest($"'{name}' is not {folder.NameRule}");

    private static IResult TooLarge(string name) => Results.Json(
        new { error = $"{name} is over {TranscriptFiles.MaxToolResultBytes} bytes, the most kept of one file of a session (Claude Code keeps at most 64 MB of a tool's output); nothing was stored" },
        statusCode: StatusCodes.Status413PayloadTooLarge);
}
