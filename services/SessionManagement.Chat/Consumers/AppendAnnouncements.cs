using SessionManagement.Chat.Messages;
using SessionManagement.Chat.Storage;
using SessionManagement.Contracts.Chat;

namespace SessionManagement.Chat.Consumers;

/// <summary>
/// What chat announces of messages it stored, session by session and in this order: the usage their replies report
/// (<see cref="UsageRecorded"/>, for status) and what was appended (<see cref="MessagesAppended"/>: titles and model for the saver,
/// the loader's and the web view's caches).
/// </summary>
internal static class AppendAnnouncements
{
    /// <param name="user">Who a transcript batch was captured or imported for; null for hooks (status has their user from the hooks).</param>
    public static async Task<IReadOnlyList<object>> ForAsync(IChatStore store, IReadOnlyList<ChatMessage> messages, IReadOnlyList<AppendResult> results,
        string? user, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var announcements = new List<object>();
        foreach (var result in results)
        {
            if (result.Added + result.Merged == 0)
                continue;
            // A subagent's transcript names no title of the session (its lines are the subagent's conversation).
            var own = messages.Where(m => m.SessionId == result.SessionId && m.File.Length == 0).ToList();
            var titles = await TranscriptTitles.FindAsync(own, uuid => store.HoldsLineAsync(result.SessionId, uuid, cancellationToken));
            var file = messages.FirstOrDefault(m => m.SessionId == result.SessionId && m.File.Length > 0)?.File;
            if (result.Usage.Count > 0)
            {
                var cwd = messages.FirstOrDefault(m => m.SessionId == result.SessionId && !string.IsNullOrEmpty(m.ProjectDir))?.ProjectDir;
                announcements.Add(new UsageRecorded(result.SessionId, now, result.Usage, file, cwd, string.IsNullOrEmpty(user) ? null : user, Guid.CreateVersion7()));
            }
            var model = result.Usage.LastOrDefault(u => u.Model is { Length: > 0 } and not "<synthetic>")?.Model;
            var forkedFrom = own.FirstOrDefault(m => m.RequestSessionId is { Length: > 0 } writer && writer != m.SessionId)?.RequestSessionId;
            announcements.Add(new MessagesAppended(result.SessionId, result.Added, result.Merged, result.Invalid, result.MessageCount, now,
                model, titles.Count == 0 ? null : titles, file, forkedFrom));
        }
        return announcements;
    }
}
