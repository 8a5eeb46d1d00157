namespace SessionManagement.Contracts.Chat;

/// <summary>
/// A title a session's transcript gives it: a <c>custom-title</c> line (the user named the session, <c>/rename</c>) or a
/// <c>summary</c> line of its own conversation (its <c>leafUuid</c> is one of the session's lines). The latest line of each kind
/// wins, by byte offset; a custom title wins over a summary.
/// </summary>
/// <param name="Kind"><see cref="Custom"/> or <see cref="Summary"/>.</param>
/// <param name="Text">The title.</param>
/// <param name="Offset">The byte offset of its line in the transcript.</param>
public sealed record TranscriptTitle(string Kind, string Text, long Offset)
{
    /// <summary>A name the user gave the session (<c>/rename</c>): the line's type, and its kind here.</summary>
    public const string Custom = "custom-title";

    /// <summary>Claude Code's summary of the session's conversation: the line's type, and its kind here.</summary>
    public const string Summary = "summary";

    /// <summary>The longest title shown; a longer one is cut there, with an ellipsis.</summary>
    public const int MaxShown = 200;

    /// <summary>The title to show of those a session's transcript gave: its custom title, else its summary (at most <see cref="MaxShown"/> characters).</summary>
    public static string? Shown(string? custom, string? summary)
    {
        var title = (string.IsNullOrWhiteSpace(custom) ? summary : custom)?.Trim();
        if (string.IsNullOrEmpty(title) || title.Length <= MaxShown)
            return string.IsNullOrEmpty(title) ? null : title;
        var cut = char.IsHighSurrogate(title[MaxShown - 2]) ? MaxShown - 2 : MaxShown - 1; // never half a character
        return title[..cut].TrimEnd() + "…";
    }
}
