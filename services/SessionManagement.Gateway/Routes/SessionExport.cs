using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using MassTransit;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionManagement.Contracts.Chat;
using SessionManagement.Contracts.Gateway;
using SessionManagement.Contracts.Saver;
using SessionManagement.Hosting.Security;

namespace SessionManagement.Gateway.Routes;

/// <summary>
/// A session as JSON (lossless: every message and record with its raw line), as JSONL (the transcript as Claude Code wrote
/// it: its lines in file order, each as shipped) or Markdown (the conversation, tool calls folded). Streamed page by page
/// from the chat module, so a session of any size costs one page of memory.
/// </summary>
internal static class SessionExport
{
    /// <summary>The chat module's largest page with raw lines.</summary>
    private const int PageSize = 200;

    /// <summary>Transcript lines asked for at once: chat answers at most 20,000 and about 8 MB.</summary>
    private const int TranscriptPageSize = 20_000;

    /// <summary>
    /// A page is written to the response this much at a time. Kestrel copies what it is given into its connection's blocks before it
    /// sends any: a page of 8 MB given at once took 128 blocks of 64 KB, twice what the pool keeps, and the rest were new pinned arrays
    /// for the garbage collector (half a 100 MB export's size in all).
    /// </summary>
    private const int WriteSize = 256 * 1024;

    public static async Task<IResult> WriteAsync(
        HttpContext http, ReadApiClient client, IOptions<JsonOptions> json, ILoggerFactory loggers, string sessionId, string? format, string? file,
        CancellationToken cancellationToken)
    {
        format = (format ?? "json").ToLowerInvariant();
        if (format is not ("json" or "jsonl" or "markdown" or "md"))
            return ReadApiRoutes.BadRequest("format must be json, jsonl or markdown");
        if (file is not null && (format != "jsonl" || !TranscriptFiles.IsSubagentFile(file)))
            return ReadApiRoutes.BadRequest("file is for format=jsonl and names a subagent transcript of the session: subagents/agent-<id>.jsonl (see /files)");
        if (format == "jsonl")
            return await WriteTranscriptAsync(http, client, loggers, sessionId, file, cancellationToken);
        var lossless = format == "json";
        SessionSummary? session;
        MessagesPage first;
        try
        {
            var found = await client.AskAsync<GetSession, SessionFound, SessionNotFound>(new GetSession(sessionId), cancellationToken);
            session = found.Is(out Response<SessionFound>? hit) ? hit.Message.Session : null;
            first = await client.AskAsync<GetMessages, MessagesPage>(new GetMessages(sessionId, 0, PageSize, lossless, lossless), cancellationToken);
        }
        catch (RequestTimeoutException)
        {
            return client.NoAnswer("saver and chat");
        }
        if (session is null && first.Total == 0)
            return ReadApiRoutes.NotFound(sessionId);

        await AuditTrail.RecordAsync(http, "export", sessionId, "as " + format);
        var logger = loggers.CreateLogger("SessionManagement.Gateway.Export");
        var fileName = $"session-{sessionId}.{(lossless ? "json" : "md")}";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
        return Results.Stream(async body =>
        {
            try
            {
                if (lossless)
                    await WriteJsonAsync(body, client, json.Value.SerializerOptions, session, first, cancellationToken);
                else
                    await WriteMarkdownAsync(body, client, session, first, sessionId, cancellationToken);
            }
            catch (RequestTimeoutException)
            {
                // The status is already sent: cut the connection so the client cannot take a partial export for a whole one.
                logger.LogWarning("Export of session {SessionId} stopped: the chat module did not answer for a page", sessionId);
                http.Abort();
            }
        }, lossless ? "application/json" : "text/markdown; charset=utf-8");
    }

    /// <summary>
    /// A transcript file of the session (its own, or the subagent's <paramref name="file"/> names): every line chat holds of it, in
    /// file order, each followed by a line break.
    /// </summary>
    private static async Task<IResult> WriteTranscriptAsync(HttpContext http, ReadApiClient client, ILoggerFactory loggers, string sessionId,
        string? file, CancellationToken cancellationToken)
    {
        TranscriptPage first;
        try
        {
            first = await client.TranscriptPageAsync(sessionId, -1, TranscriptPageSize, file, cancellationToken);
        }
        catch (RequestTimeoutException)
        {
            return client.NoAnswer("chat");
        }
        if (first.Offsets.Count == 0)
        {
            first.Dispose();
            return ReadApiRoutes.NotFound(sessionId);
        }
        await AuditTrail.RecordAsync(http, AuditTrail.ActionOf(http, "export", "restore", "branch"), sessionId, "as jsonl: " + (file ?? "its own transcript"));
        var logger = loggers.CreateLogger("SessionManagement.Gateway.Export");
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{(file is null ? sessionId + ".jsonl" : Path.GetFileName(file))}\"";
        return Results.Stream(async body =>
        {
            var page = first;
            try
            {
                while (page.Offsets.Count > 0) // chat bounds a page by bytes too: only an empty page is the end
                {
                    // The next page is asked for while this one is written; this one's buffer goes back once it is.
                    var next = client.TranscriptPageAsync(sessionId, page.Offsets[^1], TranscriptPageSize, file, cancellationToken);
                    using (page)
                        for (var lines = page.Lines; !lines.IsEmpty; lines = lines[Math.Min(WriteSize, lines.Length)..])
                            await body.WriteAsync(lines[..Math.Min(WriteSize, lines.Length)], cancellationToken);
                    page = await next;
                }
            }
            catch (RequestTimeoutException)
            {
                logger.LogWarning("Export of session {SessionId} stopped: the chat module did not answer for a page", sessionId);
                http.Abort();
            }
            finally
            {
                page.Dispose();
            }
        }, "application/x-ndjson");
    }

    private static async IAsyncEnumerable<ChatMessageView> PagesAsync(
        ReadApiClient client, MessagesPage first, bool lossless, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var page = first;
        var skip = 0;
        while (true)
        {
            foreach (var message in page.Messages)
                yield return message;
            skip += page.Messages.Count;
            if (page.Messages.Count < PageSize)
                yield break;
            page = await client.AskAsync<GetMessages, MessagesPage>(new GetMessages(first.SessionId, skip, PageSize, lossless, lossless), cancellationToken);
        }
    }

    private static async Task WriteJsonAsync(Stream body, ReadApiClient client, JsonSerializerOptions options, SessionSummary? session,
        MessagesPage first, CancellationToken cancellationToken)
    {
        // Through a pipe: the serializer's own flushes then only hand bytes over, and the awaits below send them.
        var pipe = PipeWriter.Create(body);
        await using var writer = new Utf8JsonWriter(pipe);
        writer.WriteStartObject();
        writer.WriteString("format", "claude-code-session-management/export");
        writer.WriteNumber("formatVersion", 1);
        writer.WriteString("exportedAt", DateTimeOffset.UtcNow);
        writer.WriteString("sessionId", first.SessionId);
        writer.WritePropertyName("session");
        JsonSerializer.Serialize(writer, session, options);
        writer.WriteNumber("messageCount", first.Total);
        writer.WriteNumber("invalidLines", first.InvalidLines);
        writer.WriteStartArray("messages");
        long flushedAt = 0;
        await foreach (var message in PagesAsync(client, first, lossless: true, cancellationToken))
        {
            JsonSerializer.Serialize(writer, message, options);
            if (writer.BytesCommitted > 64 * 1024 + flushedAt)
            {
                flushedAt = writer.BytesCommitted;
                await pipe.FlushAsync(cancellationToken);
            }
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();
        await pipe.CompleteAsync();
    }

    private static async Task WriteMarkdownAsync(Stream body, ReadApiClient client, SessionSummary? session, MessagesPage first, string sessionId,
        CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(body, new UTF8Encoding(false), 1 << 16);
        var text = new StringBuilder();
        text.Append("# Claude Code session ").AppendLine(sessionId).AppendLine();
        if (session is not null)
        {
            text.AppendLine("| | |").AppendLine("|---|---|");
            Row(text, "Project", session.ProjectDir);
            // A session whose SessionStart named no model (a resume, `claude -p`) takes it from its replies.
            if ((session.Model ?? first.Messages.FirstOrDefault(m => m.Model is not null)?.Model) is { } model)
                Row(text, "Model", model);
            Row(text, "Started", $"{session.StartedAt:u}" + (session.Source is null ? "" : $" ({session.Source})"));
            Row(text, "Ended", session.EndedAt is { } ended ? $"{ended:u}" + (session.EndReason is null ? "" : $" ({session.EndReason})") : "still active");
            Row(text, "Prompts · tool calls · tool failures", $"{session.Prompts} · {session.ToolCalls} · {session.ToolFailures}");
            text.AppendLine();
        }
        text.Append(first.Total).Append(" messages").Append(first.InvalidLines > 0 ? $"; {first.InvalidLines} transcript lines could not be read (kept in the JSON export)" : "")
            .AppendLine().AppendLine();
        await writer.WriteAsync(text, cancellationToken);
        await foreach (var message in PagesAsync(client, first, lossless: false, cancellationToken))
        {
            text.Clear();
            Render(text, message);
            await writer.WriteAsync(text, cancellationToken);
        }
        await writer.FlushAsync(cancellationToken);
    }

    internal static void Render(StringBuilder text, ChatMessageView message)
    {
        if (message.Text.Length == 0 && message.Tools.Count == 0)
            return; // nothing to read: no heading over nothing
        var who = message.Role switch
        {
            "user" => "User",
            "assistant" => "Assistant",
            "tool" => "Tool result",
            "system" => "System",
            "summary" => "Summary",
            _ => message.RecordType,
        };
        // A subagent's message (a Task's run, a compaction's agent) says whose it is, as the web view folds it under its agent.
        text.Append("### ").Append(who).Append(Web.Rendering.ConversationEntry.SubagentOf(message) is { } agent ? $" · subagent {agent}" : "")
            .Append(" · ").AppendLine(message.Timestamp.ToString("u")).AppendLine();
        if (message.Text.Length > 0)
            text.AppendLine(message.Text).AppendLine();
        foreach (var tool in message.Tools)
        {
            var title = tool.Kind == "use" ? $"Tool call: {tool.Name}" : tool.IsError ? "Tool error" : "Tool output";
            text.Append("<details><summary>").Append(System.Net.WebUtility.HtmlEncode(title)).AppendLine("</summary>").AppendLine()
                .AppendLine("```").AppendLine(tool.Summary.Replace("```", "`​``")).AppendLine("```").AppendLine().AppendLine("</details>").AppendLine();
        }
    }

    private static void Row(StringBuilder text, string name, string? value) =>
        text.Append("| ").Append(name).Append(" | ").Append((value ?? "—").Replace("|", "\\|")).AppendLine(" |");
}
