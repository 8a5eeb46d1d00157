using SessionManagement.Contracts.Chat;

namespace SessionManagement.Chat.Messages;

/// <summary>The titles a write's transcript lines give their session: its latest custom title, its latest title by the model, and its latest summary of its own conversation.</summary>
public static class TranscriptTitles
{
    /// <summary>
    /// The latest <c>custom-title</c> and <c>ai-title</c> lines of <paramref name="messages"/> and the latest <c>summary</c> line whose leaf (the message
    /// it sums up to) is one of the session's lines: in this write, else as <paramref name="holdsLine"/> finds it stored. Claude Code
    /// writes summaries of other sessions' conversations into a file too; those say nothing of this one.
    /// </summary>
    public static async Task<IReadOnlyList<TranscriptTitle>> FindAsync(IReadOnlyList<ChatMessage> messages, Func<string, Task<bool>> holdsLine)
    {
        TranscriptTitle? custom = null, ai = null, summary = null;
        HashSet<string>? uuids = null;
        foreach (var m in messages.Where(m => m.Sources.HasFlag(MessageSources.Transcript) && m.Text.Length > 0).OrderByDescending(m => m.Sequence))
        {
            if (custom is null && m.RecordType == TranscriptTitle.Custom)
                custom = new TranscriptTitle(TranscriptTitle.Custom, m.Text, m.Sequence);
            else if (ai is null && m.RecordType == TranscriptTitle.Ai)
                ai = new TranscriptTitle(TranscriptTitle.Ai, m.Text, m.Sequence);
            else if (summary is null && m.RecordType == TranscriptTitle.Summary && m.ParentUuid is { } leaf)
            {
                uuids ??= messages.Where(x => x.Uuid is not null).Select(x => x.Uuid!).ToHashSet(StringComparer.Ordinal);
                if (uuids.Contains(leaf) || await holdsLine(leaf))
                    summary = new TranscriptTitle(TranscriptTitle.Summary, m.Text, m.Sequence);
            }
            if (custom is not null && ai is not null && summary is not null)
                break;
        }
        return new[] { custom, ai, summary }.OfType<TranscriptTitle>().ToList();
    }
}
