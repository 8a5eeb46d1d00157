using System.Text.Json;
using SessionManagement.Contracts.Chat;
using SessionManagement.Gateway.Web.Rendering;
using SessionManagement.Hosting.Pricing;

namespace SessionManagement.Gateway.Tests.Web;

/// <summary>
/// A turn's tokens and cost on a session's page, by ccusage's rule: Claude Code writes one API response as several lines that repeat
/// its usage, keyed by <c>message.id</c> + <c>requestId</c>; the first line counts, and a line without <c>requestId</c> counts alone.
/// </summary>
public sealed class TurnUsageTests
{
    private static readonly PriceTable Prices = new();

    private static ChatMessageView Line(int n, string? messageId, string? requestId, string model, long input, long output)
    {
        var line = new Dictionary<string, object?>
        {
            ["type"] = "assistant",
            ["uuid"] = $"u{n}",
            ["message"] = new { id = messageId, role = "assistant", model, content = new[] { new { type = "text", text = $"part {n}" } } },
        };
        if (requestId is not null)
            line["requestId"] = requestId;
        return new ChatMessageView($"k{n}", "message", "assistant", "assistant", $"u{n}", null, null, DateTimeOffset.UnixEpoch.AddSeconds(n), $"part {n}", [],
            new TokenUsageView(input, output, 0, 0), model, ["transcript"], null, JsonSerializer.Serialize(line));
    }

    [Fact]
    public void When_a_response_is_written_as_several_lines_Should_show_its_tokens_and_cost_once_on_the_first()
    {
        ChatMessageView[] lines =
        [
            Line(0, "msg_a", "req_a", "claude-opus-4-5-20251101", 1_000, 10),
            Line(1, "msg_a", "req_a", "claude-opus-4-5-20251101", 1_000, 50), // the same response's next block
            Line(2, "msg_b", "req_b", "claude-haiku-4-5-20251001", 2_000, 100),
            Line(3, "msg_c", null, "claude-haiku-4-5-20251001", 10, 1), // no requestId: each line counts
            Line(4, "msg_c", null, "claude-haiku-4-5-20251001", 10, 1),
            Line(5, "msg_d", "req_d", "claude-private-9", 5, 5), // no price
        ];

        var turns = ConversationReader.Read(lines, 0, Prices).Select(e => e.Turn).ToList();

        // Opus 4.5: $5 in, $25 out per million; Haiku 4.5: $1 in, $5 out.
        Assert.Equal([(1_000L, 10L, (5m * 1_000 + 25m * 10) / 1_000_000m), null, (2_000L, 100L, (1m * 2_000 + 5m * 100) / 1_000_000m),
            (10L, 1L, (1m * 10 + 5m * 1) / 1_000_000m), (10L, 1L, (1m * 10 + 5m * 1) / 1_000_000m), (5L, 5L, null)],
            turns.Select(t => t is null ? ((long, long, decimal?)?)null : (t.Input, t.Tokens.OutputTokens, t.CostUsd)));
    }

    [Fact]
    public void When_a_page_starts_inside_a_response_Should_leave_it_to_the_page_that_holds_its_first_line()
    {
        var before = Line(0, "msg_a", "req_a", "claude-opus-4-5-20251101", 1_000, 10);
        ChatMessageView[] page = [Line(1, "msg_a", "req_a", "claude-opus-4-5-20251101", 1_000, 10), Line(2, "msg_b", "req_b", "claude-opus-4-5-20251101", 7, 7)];

        var turns = ConversationReader.Read(page, 1, Prices, before).Select(e => e.Turn).ToList();

        Assert.Null(turns[0]);
        Assert.NotNull(turns[1]);
    }
}
