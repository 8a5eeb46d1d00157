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
        var normal = text.Trim().ReplaceLineEndings("\n");
        if (normal.Length == 0)
            return null;
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(role + "\n" + normal), hash);
        return Convert.ToHexStringLower(hash[..16]);
    }

    public static string LineHash(ReadOnlySpan<byte> line)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(line, hash);
        return Convert.ToHexStringLower(hash[..8]);
    }
}
