using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace SessionManagement.Chat.Messages;

/// <summary>The bounds and the matching rule every message's text follows.</summary>
internal static class MessageText
{
    /// <summary>Text kept searchable per message; the raw line keeps everything.</summary>
    public const int MaxCharacters = 32 * 1024;

    public const int MaxSummaryCharacters = 200;

    public static string Bound(string text, int max = MaxCharacters) => text.Length <= max ? text : text[..max];

    /// <summary>
    /// How far apart in time a hook's prompt (or reply) and its transcript line may be written and still join: they are written
    /// moments apart, so the same text an hour away is another message (a "continue" sent again), whichever came first.
    /// </summary>
    public static readonly TimeSpan TwinWindow = TimeSpan.FromHours(1);

    /// <summary>
    /// The same prompt (or reply) read from its hook and from the transcript hashes the same: trimmed, line
    /// endings unified, and each secret taken out alike. A transcript line keeps its length, so a secret shorter than its marker is
    /// masked there with stars, where the hook has <c>[redacted:kind]</c>: each marker and each run of stars hashes as one star.
    /// Only prompts and replies take part; everything else has no match hash.
    /// </summary>
    public static string? MatchHash(string? role, string text)
    {
        if (role is not ("user" or "assistant"))
            return null;
        var trimmed = UnmaskedAlike(text).AsSpan().Trim();
        if (trimmed.IsEmpty)
            return null;
        // Text whose only line ending is \n is already normal: it is hashed where it lies, not copied twice on its way.
        var normal = trimmed.IndexOfAny(OtherLineEndings) < 0 ? trimmed : trimmed.ToString().ReplaceLineEndings("\n").AsSpan();
        var length = role.Length + 1 + Encoding.UTF8.GetMaxByteCount(normal.Length);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = Encoding.UTF8.GetBytes(role, buffer);
            buffer[written++] = (byte)'\n';
            written += Encoding.UTF8.GetBytes(normal, buffer.AsSpan(written));
            Span<byte> hash = stackalloc byte[32];
            SHA256.HashData(buffer.AsSpan(0, written), hash);
            return Convert.ToHexStringLower(hash[..16]);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// A slash command as the user typed it (<c>/greet bob</c>), from the record Claude Code writes for it:
    /// <c>&lt;command-message&gt;greet&lt;/command-message&gt;\n&lt;command-name&gt;/greet&lt;/command-name&gt;\n&lt;command-args&gt;bob&lt;/command-args&gt;</c>
    /// (2.1.33x; the tags in any order). Its UserPromptSubmit hook has the prompt as typed: read so, the two join as one message.
    /// Null for any other text, tags among other words included.
    /// </summary>
    public static string? CommandAsTyped(string text)
    {
        var trimmed = text.AsSpan().Trim();
        if (trimmed.IsEmpty || trimmed[0] != '<' || !trimmed.Contains("<command-name>", StringComparison.Ordinal))
            return null;
        string? name = null, args = null;
        while (!trimmed.IsEmpty)
        {
            var close = trimmed.IndexOf('>');
            if (trimmed[0] != '<' || close < 0)
                return null;
            var tag = trimmed[1..close];
            var end = trimmed.IndexOf($"</{tag}>", StringComparison.Ordinal);
            if (end < 0 || tag is not ("command-name" or "command-message" or "command-args"))
                return null;
            var value = trimmed[(close + 1)..end].Trim().ToString();
            if (tag is "command-name")
                name = value;
            else if (tag is "command-args")
                args = value;
            trimmed = trimmed[(end + tag.Length + 3)..].TrimStart();
        }
        return string.IsNullOrEmpty(name) ? null : string.IsNullOrEmpty(args) ? name : name + " " + args;
    }

    /// <summary>
    /// What a local command printed, from the record Claude Code writes for it: the whole text one
    /// <c>&lt;local-command-stdout&gt;…&lt;/local-command-stdout&gt;</c> (or <c>-stderr</c>). Null for any other text.
    /// </summary>
    public static string? LocalCommandOutput(string text)
    {
        var trimmed = text.AsSpan().Trim();
        foreach (var tag in (ReadOnlySpan<string>)["local-command-stdout", "local-command-stderr"])
        {
            var (open, close) = ($"<{tag}>", $"</{tag}>");
            if (trimmed.StartsWith(open, StringComparison.Ordinal) && trimmed.EndsWith(close, StringComparison.Ordinal)
                && trimmed.Length >= open.Length + close.Length)
            {
                var inner = trimmed[open.Length..^close.Length];
                return inner.Contains(close, StringComparison.Ordinal) ? null : inner.Trim().ToString();
            }
        }
        return null;
    }

    private const string Marker = "[redacted:";

    /// <summary>The text with each redaction marker and each run of stars made one star; the text itself when it has neither.</summary>
    private static string UnmaskedAlike(string text)
    {
        if (text.AsSpan().IndexOf('*') < 0 && !text.AsSpan().Contains(Marker, StringComparison.Ordinal))
            return text;
        var alike = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length;)
        {
            int next;
            if (text[i] == '*')
                next = i + 1;
            else if (MarkerEnd(text, i) is var end and >= 0)
                next = end;
            else
            {
                alike.Append(text[i++]);
                continue;
            }
            if (alike.Length == 0 || alike[^1] != '*')
                alike.Append('*');
            i = next;
        }
        return alike.ToString();
    }

    /// <summary>Where the redaction marker at <paramref name="at"/> ends (past its <c>]</c>); -1 when none is there.</summary>
    private static int MarkerEnd(string text, int at)
    {
        if (!text.AsSpan(at).StartsWith(Marker, StringComparison.Ordinal))
            return -1;
        var close = text.IndexOf(']', at + Marker.Length);
        return close >= 0 && IsKind(text.AsSpan(at + Marker.Length, close - at - Marker.Length)) ? close + 1 : -1;
    }

    /// <summary>A detector's kind, as markers name it: <c>aws-key</c>, <c>pattern-2</c>.</summary>
    private static bool IsKind(ReadOnlySpan<char> kind) => kind.Length is > 0 and <= 40 && !kind.ContainsAnyExcept(KindCharacters);

    private static readonly SearchValues<char> KindCharacters = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-");

    /// <summary>The line endings <see cref="string.ReplaceLineEndings(string)"/> turns into <c>\n</c>, but \n itself.</summary>
    private static readonly SearchValues<char> OtherLineEndings = SearchValues.Create("\r\f\u0085\u2028\u2029");

    public static string LineHash(ReadOnlySpan<byte> line)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(line, hash);
        return Convert.ToHexStringLower(hash[..8]);
    }
}
