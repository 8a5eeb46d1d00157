namespace SessionManagement.Chat.Storage;

/// <summary>A passage around the first matched term, matched words in brackets, for stores whose search gives no snippet of its own.</summary>
internal static class Snippets
{
    private const int Radius = 60;

    public static string Around(string text, IReadOnlyList<string> terms)
    {
        var first = terms.Select(t => text.IndexOf(t, StringComparison.OrdinalIgnoreCase)).Where(i => i >= 0).DefaultIfEmpty(0).Min();
        var start = Math.Max(0, first - Radius);
        var end = Math.Min(text.Length, first + Radius * 2);
        var passage = text[start..end];
        foreach (var term in terms.Where(t => t.Length > 0))
        {
            for (var at = passage.IndexOf(term, StringComparison.OrdinalIgnoreCase); at >= 0;
                 at = passage.IndexOf(term, at + term.Length + 2, StringComparison.OrdinalIgnoreCase))
                passage = passage[..at] + "[" + passage.Substring(at, term.Length) + "]" + passage[(at + term.Length)..];
        }
        return (start > 0 ? "…" : "") + passage + (end < text.Length ? "…" : "");
    }
}
