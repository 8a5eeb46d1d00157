using SessionManagement.Contracts.Chat;

namespace SessionManagement.Chat.Storage;

/// <summary>
/// A hit's passage and where its matched words lie in it. Positions, not markers in the text: a passage that holds brackets of its own
/// (code, or a redaction's <c>[redacted:password]</c>) is shown as it is.
/// </summary>
internal static class Snippets
{
    private const int Radius = 60;

    /// <summary>What the SQLite index's <c>snippet()</c> is asked to put around each matched word (characters no text holds).</summary>
    public const char Open = '\u0002', Close = '\u0003';

    /// <summary>A passage around the first matched term, for stores whose search gives no snippet of its own.</summary>
    public static (string Text, IReadOnlyList<SnippetMark> Marks) Around(string text, IReadOnlyList<string> terms)
    {
        var first = terms.Select(t => text.IndexOf(t, StringComparison.OrdinalIgnoreCase)).Where(i => i >= 0).DefaultIfEmpty(0).Min();
        var start = Math.Max(0, first - Radius);
        var end = Math.Min(text.Length, first + Radius * 2);
        var before = start > 0 ? "…" : "";
        var passage = before + text[start..end] + (end < text.Length ? "…" : "");
        var marked = new bool[passage.Length];
        foreach (var term in terms.Where(t => t.Length > 0))
            for (var at = passage.IndexOf(term, before.Length, StringComparison.OrdinalIgnoreCase); at >= 0;
                 at = passage.IndexOf(term, at + term.Length, StringComparison.OrdinalIgnoreCase))
                Array.Fill(marked, true, at, term.Length);
        var marks = new List<SnippetMark>();
        for (var i = 0; i < marked.Length; i++)
        {
            if (!marked[i])
                continue;
            var from = i;
            while (i < marked.Length && marked[i])
                i++;
            marks.Add(new SnippetMark(from, i - from));
        }
        return (passage, marks);
    }

    /// <summary>A snippet with its matched words between <see cref="Open"/> and <see cref="Close"/>, as the text and the words' places.</summary>
    public static (string Text, IReadOnlyList<SnippetMark> Marks) FromMarkers(string marked)
    {
        var text = new System.Text.StringBuilder(marked.Length);
        var marks = new List<SnippetMark>();
        var from = -1;
        foreach (var c in marked)
        {
            if (c == Open)
                from = text.Length;
            else if (c == Close && from >= 0)
            {
                if (text.Length > from)
                    marks.Add(new SnippetMark(from, text.Length - from));
                from = -1;
            }
            else if (c is not (Open or Close))
                text.Append(c);
        }
        return (text.ToString(), marks);
    }
}
