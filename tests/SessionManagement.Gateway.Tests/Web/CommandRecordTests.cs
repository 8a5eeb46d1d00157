using SessionManagement.Contracts.Chat;
using SessionManagement.Gateway.Web.Rendering;

namespace SessionManagement.Gateway.Tests.Web;

/// <summary>
/// The records Claude Code wraps in its tags, as a session's page shows them: the lines are the ones Claude Code 2.1.330 wrote for a
/// <c>/compact</c>; the texts beside them are what chat keeps of them (its readers' tests hold those).
/// </summary>
public sealed class CommandRecordTests
{
    private const string Compact = """
        {"parentUuid":"37ee2252-6b7f-49e7-bc40-6dba3320ed38","isSidechain":false,"promptId":"8bc6d3fd-ee5b-460b-98eb-02f2e1cfb684","type":"user","message":{"role":"user","content":"<command-name>/compact</command-name>\n            <command-message>compact</command-message>\n            <command-args></command-args>"},"uuid":"9cebd179-cf15-493a-9efc-8e69bbe02220","timestamp":"2026-12-03T14:36:48.586Z","userType":"external","entrypoint":"sdk-cli","cwd":"/tmp/uw/proj","sessionId":"759d55b3-1e9c-4706-9413-a6024df592b8","version":"2.1.330","gitBranch":"master","slug":"luminous-shimmying-lampson"}
        """;

    private const string Printed = """
        {"parentUuid":"9cebd179-cf15-493a-9efc-8e69bbe02220","isSidechain":false,"promptId":"8bc6d3fd-ee5b-460b-98eb-02f2e1cfb684","type":"user","message":{"role":"user","content":"<local-command-stdout>Compacted (ctrl+o to see full summary)\nPreCompact [/work/main/artifacts/sm-hook/sm-hook] completed successfully\nPostCompact [/work/main/artifacts/sm-hook/sm-hook] completed successfully</local-command-stdout>"},"repeatsCompactSummary":true,"uuid":"2f13a7bf-0570-4874-8f53-f339d62f22b7","timestamp":"2026-12-03T14:36:49.010Z","userType":"external","entrypoint":"sdk-cli","cwd":"/tmp/uw/proj","sessionId":"759d55b3-1e9c-4706-9413-a6024df592b8","version":"2.1.330","gitBranch":"master","slug":"luminous-shimmying-lampson"}
        """;

    private static ChatMessageView Line(string role, string text, string raw) =>
        new("k", "message", role, role, null, null, null, DateTimeOffset.UnixEpoch, text, [], null, null, ["transcript"], null, raw);

    private static IEnumerable<string> Shown(ChatMessageView message) =>
        ConversationReader.Blocks(message, 0, whole: false).Select(b => Assert.IsType<TextBlock>(b).Markdown);

    [Fact]
    public void When_a_slash_command_is_read_Should_show_it_as_typed_not_its_tags()
    {
        Assert.Equal(["/compact"], Shown(Line("user", "/compact", Compact)));
    }

    [Fact]
    public void When_a_local_command_printed_something_Should_show_what_it_printed_without_the_tags()
    {
        var text = "Compacted (ctrl+o to see full summary)\nPreCompact [/work/main/artifacts/sm-hook/sm-hook] completed successfully\n"
            + "PostCompact [/work/main/artifacts/sm-hook/sm-hook] completed successfully";

        Assert.Equal([text], Shown(Line("system", text, Printed)));
    }

    [Fact]
    public void When_a_prompt_begins_with_a_tag_of_its_own_Should_show_it_whole()
    {
        var raw = """{"type":"user","message":{"role":"user","content":"<div> will not center: fix it"},"uuid":"u1"}""";

        Assert.Equal(["<div> will not center: fix it"], Shown(Line("user", "<div> will not center: fix it", raw)));
    }
}
