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
    /// endings unified. Only prompts and replies take part; everything else has no match hash.
    /// </summary>
    public static string? MatchHash(string? role, string text)
    {
        if (role is not ("user" or "assistant"))
            return null;
        var trimmed = text.AsSpan().Trim();
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

    /// <summary>The line endings <see cref="string.ReplaceLineEndings(string)"/> turns into <c>\n</c>, but \n itself.</summary>
    private static readonly SearchValues<char> OtherLineEndings = SearchValues.Create("\r\f\u0085\u2028\u2029");

    public static string LineHash(ReadOnlySpan<byte> line)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(line, hash);
        return Convert.ToHexStringLower(hash[..8]);
    }
}
