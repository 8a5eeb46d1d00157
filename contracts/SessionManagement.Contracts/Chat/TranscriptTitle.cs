namespace SessionManagement.Contracts.Chat;

/// <summary>
/// A title a session's transcript gives it: a <c>custom-title</c> line (the user named the session, <c>/rename</c>), an
/// <c>ai-title</c> line (the title Claude Code 2.1.332 has the model give a session after its first prompt) or a <c>summary</c> line
/// of its own conversation (its <c>leafUuid</c> is one of the session's lines). The latest line of each kind wins, by byte offset;
/// between kinds, the one Claude Code's <c>--resume</c> picker shows: a custom title, else the model's, else a summary.
/// </summary>
/// <param name="Kind"><see cref="Custom"/>, <see cref="Ai"/> or <see cref="Summary"/>.</param>
/// <param name="Text">The title.</param>
/// <param name="Offset">The byte offset of its line in the transcript.</param>
public sealed record TranscriptTitle(string Kind, string Text, long Offset)
{
    /// <summary>A name the user gave the session (<c>/rename</c>): the line's type, and its kind here.</summary>
    public const string Custom = "custom-title";

    /// <summary>The title the model gave the session, for Claude Code's picker (<c>aiTitle</c>): the line's type, and its kind here.</summary>
    public const string Ai = "ai-title";

    /// <summary>Claude Code's summary of the session's conversation: the line's type, and its kind here.</summary>
    public const string Summary = "summary";

    /// <summary>The longest title shown; a longer one is cut there, with an ellipsis.</summary>
    public const int MaxShown = 200;

    /// <summary>
    /// The title to show: the first given of <paramref name="titles"/>, in the order Claude Code's picker takes them (custom, the model's,
    /// summary, and then whatever the caller falls back on), at most <see cref="MaxShown"/> characters.
    /// </summary>
    public static string? Shown(params string?[] titles)
    {
        var title = titles.FirstOrDefault(t => !string.IsNullOrWhiteSpace(t))?.Trim();
        if (string.IsNullOrEmpty(title) || title.Length <= MaxShown)
            return string.IsNullOrEmpty(title) ? null : title;
        var cut = char.IsHighSurrogate(title[MaxShown - 2]) ? MaxShown - 2 : MaxShown - 1; // never half a character
        return title[..cut].TrimEnd() + "…";
    }
}
