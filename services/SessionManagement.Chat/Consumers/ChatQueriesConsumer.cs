using MassTransit;
using SessionManagement.Chat.Messages;
using SessionManagement.Chat.Storage;
using SessionManagement.Contracts.Chat;
using SessionManagement.Contracts.Gateway;

namespace SessionManagement.Chat.Consumers;

/// <summary>Answers history and search requests (the gateway's read API) from the chat store.</summary>
public sealed class ChatQueriesConsumer(IChatStore store) : IConsumer<GetMessages>, IConsumer<SearchMessages>, IConsumer<GetTranscriptLines>, IConsumer<ListTranscriptFiles>,
    IConsumer<SummarizeTranscript>
{
    public const int MaxPage = 1_000;

    /// <summary>Pages with raw lines are smaller: a raw transcript line can be large.</summary>
    public const int MaxRawPage = 200;

    /// <summary>
    /// A page of transcript lines (an export, a restore) holds up to this many, and stops past <see cref="MaxTranscriptPageBytes"/>:
    /// pages of 200 lines gave an export 14 MB/s, each page a round trip.
    /// </summary>
    public const int MaxTranscriptPage = 20_000;

    public const long MaxTranscriptPageBytes = 8 * 1024 * 1024;

    public const int MaxHits = 200;

    public async Task Consume(ConsumeContext<GetMessages> context)
    {
        var request = context.Message;
        var limit = Math.Clamp(request.Limit, 1, request.IncludeRaw ? MaxRawPage : MaxPage);
        var skip = Math.Max(0, request.Skip);
        if (request is { Latest: true, Role: { } role })
        {
            var latest = await store.LatestAsync(request.SessionId, role, limit, context.CancellationToken);
            await context.RespondAsync(new MessagesPage(request.SessionId, latest.Count, 0, latest.Select(m => View(m, false)).ToList()));
            return;
        }
        if (request.Latest)
        {
            var total = (await store.PageAsync(request.SessionId, 0, 0, request.IncludeRecords, false, context.CancellationToken)).Total;
            skip = (int)Math.Max(0, total - limit);
        }
        var page = await store.PageAsync(request.SessionId, skip, limit, request.IncludeRecords, request.IncludeRaw, context.CancellationToken);
        await context.RespondAsync(new MessagesPage(request.SessionId, page.Total, page.InvalidLines,
            page.Messages.Select(m => View(m, request.IncludeRaw)).ToList()));
    }

    /// <summary>Sums up what chat holds of a session's transcript and tells the modules that keep sessions (after an import).</summary>
    public async Task Consume(ConsumeContext<SummarizeTranscript> context)
    {
        if (await store.SummarizeAsync(context.Message.SessionId, context.CancellationToken) is { } summary)
            await context.Publish(summary with
            {
                GitBranch = summary.GitBranch ?? (await store.LinesPredateBranchesAsync(summary.SessionId, context.CancellationToken)
                    ? await LatestGitBranchAsync(summary.SessionId, context.CancellationToken)
                    : null),
                ParentSessionId = context.Message.ParentSessionId,
                ImportedBy = context.Message.ImportedBy,
            }, context.CancellationToken);
    }

    /// <summary>
    /// The <c>gitBranch</c> of the session's latest line that names one, for a session whose lines were stored before chat kept each
    /// line's branch: only its raw lines say it, read through once, page by page, each line looked at as text before it is parsed.
    /// </summary>
    private async Task<string?> LatestGitBranchAsync(string sessionId, CancellationToken cancellationToken)
    {
        string? branch = null;
        long after = -1;
        while (true)
        {
            using var page = await store.TranscriptLinesAsync(sessionId, "", after, MaxTranscriptPage, MaxTranscriptPageBytes, cancellationToken);
            var rest = page.Lines.Bytes;
            foreach (var offset in page.Offsets)
            {
                after = offset;
                var end = rest.Span.IndexOf((byte)'\n');
                var raw = rest[..end];
                rest = rest[(end + 1)..];
                if (raw.Span.IndexOf("\"gitBranch\""u8) < 0)
                    continue;
                try
                {
                    using var line = System.Text.Json.JsonDocument.Parse(raw);
                    if (line.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object && line.RootElement.TryGetProperty("gitBranch", out var named)
                        && named.ValueKind == System.Text.Json.JsonValueKind.String && named.GetString() is { Length: > 0 } name)
                        branch = name;
                }
                catch (System.Text.Json.JsonException)
                {
                    // a line chat keeps raw: it names nothing
                }
            }
            if (page.Offsets.Count == 0)
                return branch;
        }
    }

    public async Task Consume(ConsumeContext<GetTranscriptLines> context)
    {
        var request = context.Message;
        var lines = await store.TranscriptLinesAsync(request.SessionId, request.File ?? "", request.AfterOffset, Math.Clamp(request.Limit, 1, MaxTranscriptPage),
            MaxTranscriptPageBytes,
            context.CancellationToken);
        if (request.HandOver)
        {
            // The pooled lines go with the page: the asker in this process gives them back once written.
            var handed = new TranscriptLinesPage(request.SessionId, lines.Offsets, []) { Pooled = lines.Lines };
            await context.RespondAsync(new TranscriptLinesPage(request.SessionId, [], [], InProcessContent.Park(handed)));
            return;
        }
        using (lines)
            await context.RespondAsync(new TranscriptLinesPage(request.SessionId, lines.Offsets, lines.Lines.Bytes.ToArray()));
    }

    public async Task Consume(ConsumeContext<ListTranscriptFiles> context)
    {
        var files = await store.TranscriptFilesAsync(context.Message.SessionId, context.CancellationToken);
        await context.RespondAsync(new TranscriptFilesHeld(context.Message.SessionId,
            files.Select(f => new TranscriptFileView(f.File.Length == 0 ? null : f.File, f.Lines, f.FirstOffset,
                f.Digest is { } digest ? TranscriptDigest.Text(digest) : null, f.DigestAlgorithm)).ToList()));
    }

    public async Task Consume(ConsumeContext<SearchMessages> context)
    {
        var request = context.Message;
        var terms = (request.Query ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (terms.Length == 0)
        {
            await context.RespondAsync(new SearchRejected(request.Query ?? "", "the query has no words to search for"));
            return;
        }
        var search = new MessageSearch(terms, request.SessionId, request.ProjectDir, request.Role, request.Since, request.Until,
            Math.Clamp(request.Limit, 1, MaxHits), request.SessionIds);
        try
        {
            await context.RespondAsync(new MessagesFound(request.Query!, await store.SearchAsync(search, context.CancellationToken)));
        }
        catch (SearchUnavailableException error)
        {
            await context.RespondAsync(new SearchRejected(request.Query!, error.Message));
        }
    }

    public static ChatMessageView View(ChatMessage m, bool includeRaw)
    {
        var sources = new List<string>(2);
        if (m.Sources.HasFlag(MessageSources.Hook))
            sources.Add("hook");
        if (m.Sources.HasFlag(MessageSources.Transcript))
            sources.Add("transcript");
        return new ChatMessageView(m.Key, m.Kind.ToString().ToLowerInvariant(), m.RecordType, m.Role, m.Uuid, m.ParentUuid, m.EventId, m.Timestamp,
            m.Text, m.Tools, m.Usage, m.Model, sources, m.Problem, includeRaw ? m.Raw : null, m.File.Length == 0 ? null : m.File);
    }
}
