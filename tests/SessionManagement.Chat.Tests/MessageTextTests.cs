using System.Security.Cryptography;
using System.Text;
using SessionManagement.Chat.Messages;

namespace SessionManagement.Chat.Tests;

public sealed class MessageTextTests
{
    /// <summary>
    /// The match hash is stored with every prompt and reply, and a hook's text must hash as its transcript line does, before and after
    /// any change to how it is computed: here it is worked out the plain way, string by string, as the rule says.
    /// </summary>
    [Theory]
    [InlineData("user", "fix the build")]
    [InlineData("user", "  fix the build\n\n")]
    [InlineData("assistant", "line one\nline two")]
    [InlineData("assistant", "line one\r\nline two\rthree\u2028four\u0085five\ffive\u2029six")]
    [InlineData("user", "\t\u00a0naïve café 🚀 — ünïcödé\r\n")]
    [InlineData("user", "x")]
    public void When_a_text_is_hashed_for_matching_Should_give_the_first_16_bytes_of_the_SHA256_of_its_role_and_trimmed_text(string role, string text)
    {
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(role + "\n" + text.Trim().ReplaceLineEndings("\n")))[..16]);

        Assert.Equal(expected, MessageText.MatchHash(role, text));
    }

    [Theory]
    [InlineData("user", "  \r\n\t")]
    [InlineData("system", "fix the build")]
    [InlineData(null, "fix the build")]
    public void When_a_text_is_blank_or_not_a_prompt_or_reply_Should_have_no_match_hash(string? role, string text) =>
        Assert.Null(MessageText.MatchHash(role, text));

    /// <summary>The hook's text has the marker; its transcript line, which keeps its length, stars where the secret was shorter than it.</summary>
    [Theory]
    [InlineData("the password=[redacted:password] works", "the password=******* works")]
    [InlineData("db postgres://bob:[redacted:url-password]@db/prod", "db postgres://bob:******@db/prod")]
    [InlineData("keys [redacted:aws-key] and [redacted:pattern-2]!", "keys [redacted:aws-key] and ***!")]
    [InlineData("a **bold** word", "a *bold* word")]
    public void When_a_secret_is_masked_by_stars_in_one_and_marked_in_the_other_Should_hash_alike(string hook, string line) =>
        Assert.Equal(MessageText.MatchHash("user", hook), MessageText.MatchHash("user", line));

    [Theory]
    [InlineData("the password=[redacted:password] works", "the password= works")]
    [InlineData("the password=[redacted:password] works", "the password=[redacted:Password] works")]
    [InlineData("a * b", "a b")]
    public void When_texts_differ_beyond_their_masks_Should_hash_apart(string one, string other) =>
        Assert.NotEqual(MessageText.MatchHash("user", one), MessageText.MatchHash("user", other));

    [Fact]
    public void When_a_text_is_long_Should_hash_all_of_it()
    {
        var text = string.Concat(Enumerable.Repeat("a tool's output, line after line\n", 20_000)) + "the end";

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("assistant\n" + text))[..16]), MessageText.MatchHash("assistant", text));
        Assert.NotEqual(MessageText.MatchHash("assistant", text), MessageText.MatchHash("assistant", text[..^1]));
    }
}
